"""A bare Flask hello-world served with the gateway's own gunicorn configuration: the
baseline the gateway is compared with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return {"hello": "lpse"}
