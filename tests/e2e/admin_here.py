"""Administrator commands run in the test process, against a running server's database.

`python -m sync_server allocate ...` costs a Python start-up (over a second of CPU importing
the server); tests that only need an allocation changed call the command's own code instead.
The tests about the commands as programs (test_revocation.py, test_caseload_admin.py) keep
child processes.
"""

import contextlib
import io

from sync_server.admin_cli import admin_command
from tests.e2e.conftest import ServerProcess


def admin_here(server: ServerProcess, command: str, *args: str) -> str:
    """Run one administrator command on server's database; assert it succeeded; return what it
    printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = admin_command([command, "--db", str(server.db), *args])
    assert code == 0, f"{command}: exit {code}\n{out.getvalue()}{err.getvalue()}"
    return out.getvalue() + err.getvalue()
