"""A PostgreSQL cluster of the test's own for the SQL backend tests:
initdb in a scratch folder owned by the postgres user (initdb refuses
root), the server on a free port of 127.0.0.1 (its unix socket in the
folder, trust authentication: loopback only), a database 'pdns' with
PowerDNS's PostgreSQL schema, pdnsutil and pdns_server pointed at it
(launch=gpgsql). Stopped by the test whatever happens."""

import glob
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import servers

SCHEMA = Path("/usr/share/pdns-backend-pgsql/schema/schema.pgsql.sql")
USER = "postgres"


def bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def missing():
    """Why these tests cannot run here, or None."""
    if not bindir():
        return "initdb missing (no PostgreSQL server installed)"
    if not SCHEMA.exists():
        return "PowerDNS's gpgsql backend missing (%s)" % SCHEMA
    for tool in ("psql", "pdnsutil", "pdns_server", "runuser"):
        if not shutil.which(tool):
            return "%s missing" % tool
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return "no user %s to run PostgreSQL as" % USER
    return None


class PgCluster:
    """initdb'd in d/pg, started on a free port; the database 'pdns'
    holds PowerDNS's schema."""

    def __init__(self, d):
        self.dir = Path(d) / "pg"
        self.dir.mkdir()
        pw = pwd.getpwnam(USER)
        os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = servers.free_port()
        self.as_pg([str(bindir() / "initdb"), "-D", str(self.data), "-U",
                    USER, "--auth=trust", "-E", "UTF8", "--no-sync"])
        self.start()
        self.create_db("pdns")

    def create_db(self, name):
        """A database with PowerDNS's schema."""
        self.psql("CREATE DATABASE %s" % name, db="postgres")
        self.psql(SCHEMA.read_text(), db=name)

    def as_pg(self, argv, timeout=120):
        r = subprocess.run(["runuser", "-u", USER, "--"] + argv,
                           capture_output=True, text=True, timeout=timeout,
                           cwd=str(self.dir))
        if r.returncode != 0:
            raise RuntimeError("%s: %s%s" % (" ".join(argv), r.stdout,
                                             r.stderr))
        return r.stdout

    def start(self):
        self.as_pg([str(bindir() / "pg_ctl"), "-D", str(self.data), "-l",
                    str(self.log), "-w", "-t", "60", "-o",
                    "-p %d -k %s -c listen_addresses=127.0.0.1 "
                    "-c fsync=off" % (self.port, self.dir), "start"])

    def stop(self, mode="fast"):
        """Stopped (nothing when it is not running)."""
        subprocess.run(["runuser", "-u", USER, "--",
                        str(bindir() / "pg_ctl"), "-D", str(self.data),
                        "-m", mode, "-w", "-t", "60", "stop"],
                       capture_output=True, timeout=90)

    def uri(self, user=USER, db="pdns"):
        return "postgresql://%s@127.0.0.1:%d/%s" % (user, self.port, db)

    def psql(self, sql, db="pdns", user=USER, timeout=60):
        """Statements run by psql (stopping at the first error); its
        output, unaligned, tuples only."""
        r = subprocess.run(["psql", "-X", "-q", "-At", "-v",
                            "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                            str(self.port), "-U", user, "-d", db],
                           input=sql, capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("psql: %s" % r.stderr)
        return r.stdout

    def gpgsql_conf(self, db="pdns"):
        return ["launch=gpgsql", "gpgsql-host=127.0.0.1",
                "gpgsql-port=%d" % self.port, "gpgsql-dbname=%s" % db,
                "gpgsql-user=%s" % USER, "security-poll-suffix="]

    def pdnsutil(self, *args, db="pdns", timeout=120):
        conf = self.dir.parent / ("pdnsutil-" + db)
        conf.mkdir(exist_ok=True)
        (conf / "pdns.conf").write_text("\n".join(self.gpgsql_conf(db)) +
                                        "\n")
        r = subprocess.run(["pdnsutil", "--config-dir", str(conf)] +
                           [str(a) for a in args], capture_output=True,
                           text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("pdnsutil %s: %s%s" % (
                " ".join(map(str, args)), r.stdout, r.stderr))
        return r.stdout

    def domain_id(self, origin, db="pdns"):
        return int(self.psql("SELECT id FROM domains WHERE name = '%s'"
                             % origin.rstrip("."), db=db).strip())


def start_pdns(d, pg, port=None, db="pdns"):
    """pdns_server on 127.0.0.1:port answering from the cluster's
    database db."""
    port = port or servers.free_port()
    conf = Path(d) / "pdns-server-pg"
    conf.mkdir(exist_ok=True)
    (conf / "pdns.conf").write_text("\n".join(pg.gpgsql_conf(db) + [
        "local-address=127.0.0.1", "local-port=%d" % port,
        "daemon=no", "guardian=no", "socket-dir=%s" % conf,
        "write-pid=no", "api=no", "webserver=no",
        "disable-syslog=yes", "loglevel=4"]) + "\n")
    return servers.Server("pdns", ["pdns_server", "--config-dir=%s" % conf],
                          ("127.0.0.1", port), d, None, wait=False)


def start_banchi_pg(d, uri, zone, port=None, extra=()):
    """banchi-auth serving the database at uri; waits for zone's SOA."""
    port = port or servers.free_port()
    argv = [str(servers.banchi_binary()), "--listen", "127.0.0.1:%d" % port,
            "--threads", "2", "--zone-db", uri, "--zone-dir",
            str(Path(d) / "zone-dir")] + list(extra)
    s = servers.Server("banchi-auth", argv, ("127.0.0.1", port), d, zone,
                       wait=False)
    try:
        servers.wait_answering(s.where, zone, s.proc, limit=20.0)
    except Exception:
        s.stop()
        raise RuntimeError("banchi-auth did not start: %s\n%s" % (
            " ".join(argv), s.log_text()))
    return s
