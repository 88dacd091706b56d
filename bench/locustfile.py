"""A bounded mixed load of the three roles for bench/scale_out.py (locust, headless, on loopback)."""

import random
import re

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Role(HttpUser):
    abstract = True
    wait_time = between(0.2, 1.0)
    username = ""

    def on_start(self):
        page = self.client.get("/login/", name="login form")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/login/",
            {"username": self.username, "password": "govern-demo", "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="login",
        )


class Baseline(HttpUser):
    """The same balancer and web processes serving a static file: the run's baseline."""

    weight = 1
    wait_time = between(0.2, 1.0)

    @task
    def static_file(self):
        self.client.get("/static/css/govern.css", name="baseline: static file")


class Inspector(Role):
    weight = 5
    username = "inspector"

    @task(4)
    def due_list(self):
        self.client.get("/inspections/", name="due list")

    @task(3)
    def enterprise_list(self):
        self.client.get(f"/enterprises/?page={random.randint(1, 5)}", name="enterprise list")

    @task(3)
    def enterprise_page(self):
        self.client.get(f"/enterprises/{random.randint(1, 150)}/", name="enterprise page")

    @task(2)
    def deadlines(self):
        self.client.get("/deadlines/?state=soon", name="deadlines")

    @task(1)
    def api_enterprises(self):
        self.client.get("/api/enterprises/?page_size=25", name="api enterprises")


class Manager(Role):
    weight = 2
    username = "manager"

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")

    @task(2)
    def overdue(self):
        self.client.get("/dashboard/overdue/?kind=order", name="overdue drill-down")

    @task(1)
    def notifications(self):
        self.client.get("/notifications/", name="notifications")


class Enterprise(Role):
    weight = 3
    username = "enterprise"

    @task(3)
    def portal(self):
        self.client.get("/portal/", name="portal")

    @task(1)
    def own_deadlines(self):
        self.client.get("/deadlines/", name="deadlines (enterprise)")
