"""Property-based fuzzing of the whole HTTP API from its own OpenAPI document.

schemathesis (its CLI, in a subprocess: hypothesis and eventlet do not share a
process well) generates valid and invalid requests for every operation and checks that
none is answered with a 5xx: bad input must always get a 4xx with a stable code.
Operations that would end the test's own session (logout, password change, moving the
test clock, deactivating users or revoking roles) are left out so that the rest stays
authenticated.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import auth

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXCLUDED = (
    "/api/v1/auth/logout",
    "/api/v1/auth/password",
    "/api/v1/_test/clock",
    "/api/v1/user/{user_id}/deactivate",
    "/api/v1/user/{user_id}/role/{role}",
)


@pytest.mark.timeout(600)  # every operation of the whole API: about two minutes
def test_no_operation_answers_generated_input_with_a_server_error(stack, tmp_path):
    token = stack.login(stack.admin_username, stack.admin_password)
    cli = Path(sys.executable).parent / "schemathesis"
    cmd = [str(cli), "run", f"{stack.url}/api/v1/openapi.json", "--url", stack.url,
           "--checks", "not_a_server_error", "--max-examples", "12",
           "--phases", "examples,coverage,fuzzing", "--seed", "20121506",
           "--no-color", "-H", f"Authorization: {auth(token)['Authorization']}"]
    for path in EXCLUDED:
        cmd += ["--exclude-path", path]
    out = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    report = out.stdout[-4000:] + out.stderr[-2000:]
    assert out.returncode == 0, report
    assert " passed" in out.stdout and "generated" in out.stdout, report
