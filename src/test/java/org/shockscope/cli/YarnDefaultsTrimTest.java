package org.shockscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class YarnDefaultsTrimTest {
  private static int fromYarnDefaults(Configuration conf) {
    int n = 0;
    for (Map.Entry<String, String> e : conf) {
      String[] s = conf.getPropertySources(e.getKey());
      if (s != null && s.length == 1 && YarnDefaultsTrim.RESOURCE.equals(s[0])) {
        n++;
      }
    }
    return n;
  }

  @Test
  void yarnsDefaultsLeaveTheConfigurationAndTheOthersStay() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", "org.example.Fs");
    int dropped = YarnDefaultsTrim.drop(conf);
    assertTrue(dropped > 100, "dropped " + dropped);
    assertEquals(0, fromYarnDefaults(conf));
    assertNull(conf.get("yarn.resourcemanager.address"));
    // core's and MapReduce's defaults, and what was set, stay
    assertNotNull(conf.get("fs.defaultFS"));
    assertNotNull(conf.get("mapreduce.framework.name"));
    assertEquals("org.example.Fs", conf.get("fs.file.impl"));
    // a copy, as Spark makes one per query, has none either; other configurations keep theirs
    assertEquals(0, fromYarnDefaults(new Configuration(conf)));
    assertEquals(0, YarnDefaultsTrim.drop(conf));
    assertTrue(fromYarnDefaults(new Configuration()) > 100);
  }
}
