"""The end-of-job lines of `shockscope analyze` (JobProgress), parsed for the bench scripts.

    [shockscope] stage times: spark start-up 3.7 s, discovery 0.7 s, ...; total 60.1 s (JVM start to session ready 7.7 s)
    [shockscope] spark jobs/tasks: discovery 0/0, reducing checkpoints 4/17, ...; total 76/125
"""
import re

_TIMES = re.compile(r"stage times: (.*); total ([\d.]+) s \(JVM start to session ready ([\d.]+) s\)")
_JOBS = re.compile(r"spark jobs/tasks: .*; total (\d+)/(\d+)")


def parse(text):
    """Seconds per stage in order, then "stage total" and "JVM start to session ready", and
    "spark jobs" where the job printed its jobs line (older builds did not)."""
    line = _TIMES.search(text)
    stages = {}
    for part in line.group(1).split(", "):
        name, sec, _ = part.rsplit(" ", 2)
        stages[name] = float(sec)
    stages["stage total"] = float(line.group(2))
    stages["JVM start to session ready"] = float(line.group(3))
    jobs = _JOBS.search(text)
    if jobs:
        stages["spark jobs"] = float(jobs.group(1))
    return stages
