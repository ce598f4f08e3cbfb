"""PowerDNS databases for the SQL backend tests: a SQLite file made with
PowerDNS's own schema and tools (pdnsutil load-zone, rectify-zone, with a
generated pdns.conf pointing launch=gsqlite3 at it), pdns_server started
on it on a loopback port, and banchi-auth serving it (--zone-db). Files
are left readable and writable by the user banchi-auth drops to: it
reopens the database after dropping root, and SQLite writes its journal
beside the file."""

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import servers

SCHEMA = Path("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql")
# every server started here, for the tests to stop whatever happens
STARTED = []


def started(s):
    STARTED.append(s)
    return s


def available():
    return (SCHEMA.exists() and shutil.which("pdnsutil") and
            shutil.which("pdns_server") and shutil.which("sqlite3"))


def world_file(path):
    """Readable and writable by banchi-auth's user after it drops root."""
    os.chmod(path, 0o666)


class PdnsDb:
    """A PowerDNS SQLite database in directory d (made world-writable)."""

    def __init__(self, d, name="pdns.sqlite3"):
        self.dir = Path(d)
        self.dir.chmod(0o777)
        self.path = self.dir / name
        self.conf = self.dir / "pdnsutil"
        self.conf.mkdir(exist_ok=True)
        (self.conf / "pdns.conf").write_text(
            "launch=gsqlite3\ngsqlite3-database=%s\n"
            "security-poll-suffix=\n" % self.path)
        with sqlite3.connect(self.path) as db:
            db.executescript(SCHEMA.read_text())
        world_file(self.path)

    def pdnsutil(self, *args, check=True, timeout=120):
        r = subprocess.run(["pdnsutil", "--config-dir", str(self.conf)] +
                           [str(a) for a in args], capture_output=True,
                           text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("pdnsutil %s: %s%s" % (" ".join(
                map(str, args)), r.stdout, r.stderr))
        world_file(self.path)
        return r

    def load_zone(self, origin, path):
        self.pdnsutil("load-zone", origin, path)
        self.pdnsutil("rectify-zone", origin)

    def sql(self, statement, args=()):
        """One statement in a transaction of its own, as a client would
        (Python's sqlite3; the sqlite3 CLI is cli())."""
        with sqlite3.connect(self.path, timeout=10) as db:
            rows = db.execute(statement, args).fetchall()
        db.close()
        return rows

    def cli(self, text, timeout=30):
        """Statements run by the sqlite3 command-line tool, waiting for
        locks as a client beside other writers must (banchi-auth writes
        its own tables now and then, PowerDNS its own)."""
        r = subprocess.run(["sqlite3", str(self.path)],
                           input=".timeout 5000\n" + text,
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("sqlite3: %s" % r.stderr)
        return r.stdout

    def domain_id(self, origin):
        return self.sql("SELECT id FROM domains WHERE name = ?",
                        (origin.rstrip("."),))[0][0]


def start_pdns(d, db, port=None):
    """pdns_server on 127.0.0.1:port answering from db (its own config
    and socket dir under d)."""
    port = port or servers.free_port()
    conf = Path(d) / "pdns-server"
    conf.mkdir(exist_ok=True)
    (conf / "pdns.conf").write_text("\n".join([
        "launch=gsqlite3", "gsqlite3-database=%s" % db.path,
        "local-address=127.0.0.1", "local-port=%d" % port,
        "daemon=no", "guardian=no", "socket-dir=%s" % conf,
        "write-pid=no", "security-poll-suffix=", "api=no", "webserver=no",
        "disable-syslog=yes", "loglevel=4"]) + "\n")
    return started(servers.Server("pdns", ["pdns_server",
                                           "--config-dir=%s" % conf],
                                  ("127.0.0.1", port), d, None, wait=False))


def start_banchi_db(d, db, zone, port=None, extra=(), threads=2,
                    zone_dir=None, wait=True):
    """banchi-auth serving the database (and its journals in zone_dir,
    made under d when not given); waits for zone's SOA."""
    port = port or servers.free_port()
    zone_dir = zone_dir or Path(d) / "zone-dir"
    argv = [str(servers.banchi_binary()), "--listen", "127.0.0.1:%d" % port,
            "--threads", str(threads), "--zone-db", "sqlite:%s" % db.path,
            "--zone-dir", str(zone_dir)] + list(extra)
    s = started(servers.Server("banchi-auth", argv, ("127.0.0.1", port), d,
                               zone, wait=False))
    if wait:
        wait_up(s, zone)
    return s


def wait_up(s, zone, limit=20.0):
    try:
        servers.wait_answering(s.where, zone, s.proc, limit=limit)
    except Exception:
        s.stop()
        raise RuntimeError("%s did not start: %s\n%s" % (
            s.name, " ".join(map(str, s.argv)), s.log_text()))


def wait_for(fn, limit, step=0.02):
    """Polls fn() until true; the seconds it took, or None at the limit."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if fn():
            return time.monotonic() - t0
        time.sleep(step)
    return None
