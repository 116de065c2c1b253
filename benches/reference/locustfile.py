"""Locust's side of benches/run.sh's generator-efficiency measurement: the same closed loop the
engine and `wrk -c20` run (FastHttpUser, no wait, GET /health against nginx).

Requests and CPU time (user + system of this process) are taken between test_start and
test_stop, so Python's start-up is not counted against Locust; the engine's side is measured
around `engine::run` the same way. The two numbers go to the file named by LOCUST_RESULT.
Not a project dependency: run.sh installs Locust into a throwaway venv.
"""

import os
import resource

from locust import FastHttpUser, constant, events, task

marks = {}


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class HealthUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def health(self):
        self.client.get("/health")


@events.test_start.add_listener
def started(environment, **_):
    marks["start"] = (cpu_seconds(), environment.stats.total.num_requests)


@events.test_stop.add_listener
def stopped(environment, **_):
    cpu, requests = cpu_seconds(), environment.stats.total.num_requests
    failures = environment.stats.total.num_failures
    with open(os.environ["LOCUST_RESULT"], "w") as out:
        out.write(f"{requests - marks['start'][1]} {cpu - marks['start'][0]:.3f} {failures}\n")
