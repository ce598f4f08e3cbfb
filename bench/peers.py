"""Starting each benchmarked server on loopback for bench/bench.py: one
worker thread, pinned to a core by a taskset prefix, started without
waiting (the caller times the first correct answer), stopped by PID.
Configurations follow /work/shared/PEERS.md and
tests/integration/servers.py (copy-adapted: the tests wait for an SOA,
the benchmark needs the start time and one worker everywhere)."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rdatatype

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))
import servers  # noqa: E402

free_port = servers.free_port  # shared with the tests


class Proc:
    """One started server: name, where, pid, t0 (monotonic start)."""

    def __init__(self, name, argv, port, workdir):
        self.name = name
        self.where = ("127.0.0.1", port)
        self.workdir = Path(workdir)
        self.log = self.workdir / (name + ".log")
        self.argv = argv
        self.t0 = time.monotonic()
        with open(self.log, "wb") as logf:
            self.proc = subprocess.Popen(argv, stdout=logf,
                                         stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)

    @property
    def pid(self):
        return self.proc.pid

    def log_tail(self, n=20):
        try:
            return "\n".join(self.log.read_text(
                errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def wait_correct(self, probe, limit):
        """Polls every 20 ms until probe (name, type, address) is answered
        correctly; returns seconds since start."""
        name, qtype, addr = probe
        q = dns.message.make_query(name, qtype, use_edns=False)
        q.flags = 0
        end = self.t0 + limit
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %d:\n%s" % (
                    self.name, self.proc.returncode, self.log_tail()))
            try:
                r = dns.query.udp(q, self.where[0], port=self.where[1],
                                  timeout=0.02)
                if r.rcode() == 0 and any(
                        rr.to_text() == addr for s in r.answer for rr in s):
                    return time.monotonic() - self.t0
            except (dns.exception.DNSException, OSError):
                pass
            time.sleep(0.02)
        raise RuntimeError("%s did not answer in %.0f s:\n%s" % (
            self.name, limit, self.log_tail()))

    def stop(self, timeout=10.0):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def banchi(d, origin, zone, port, pin, build, xfr=False):
    argv = pin + [str(build / "banchi-auth"), "--listen",
                  "127.0.0.1:%d" % port, "--zone", "%s=%s" % (origin, zone),
                  "--threads", "1"]
    if xfr:
        argv += ["--allow-transfer", "%s=127.0.0.1" % origin]
    return Proc("banchi-auth", argv, port, d)


def ceiling(d, origin, zone, port, pin, build):
    argv = pin + [str(build / "bench" / "banchi-ceiling"), "127.0.0.1",
                  str(port)]
    return Proc("ceiling", argv, port, d)


def nsd(d, origin, zone, port, pin, build, xfr=False):
    conf = ["server:", "  ip-address: 127.0.0.1@%d" % port,
            "  server-count: 1", '  username: ""', '  database: ""',
            '  zonesdir: "%s"' % d, '  pidfile: "%s/nsd.pid"' % d,
            '  xfrdfile: "%s/xfrd.state"' % d,
            '  zonelistfile: "%s/zone.list"' % d,
            "  rrl-ratelimit: 0", "  verbosity: 1",
            "remote-control:", "  control-enable: no",
            "zone:", "  name: %s" % origin, "  zonefile: %s" % zone]
    if xfr:
        conf.append("  provide-xfr: 127.0.0.1 NOKEY")
    (d / "nsd.conf").write_text("\n".join(conf) + "\n")
    return Proc("nsd", pin + ["nsd", "-d", "-c", str(d / "nsd.conf")],
                port, d)


def knot(d, origin, zone, port, pin, build, xfr=False):
    conf = ["server:", "  listen: 127.0.0.1@%d" % port,
            "  rundir: %s" % d, "  user: root",
            "  udp-workers: 1", "  tcp-workers: 1",
            "  background-workers: 1",
            "database:", "  storage: %s" % d,
            "template:", "  - id: default", "    storage: %s" % d,
            "    zonefile-sync: -1", "    journal-content: none",
            "    semantic-checks: off", "zone:",
            "  - domain: %s" % origin, "    file: %s" % zone]
    if xfr:
        conf[conf.index("template:"):conf.index("template:")] = [
            "acl:", "  - id: xfr", "    address: 127.0.0.1",
            "    action: transfer"]
        conf.append("    acl: xfr")
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return Proc("knot", pin + ["knotd", "-c", str(d / "knot.conf")], port, d)


def bind(d, origin, zone, port, pin, build):
    conf = ['options { directory "%s"; listen-on port %d { 127.0.0.1; };'
            % (d, port),
            '  listen-on-v6 { none; }; recursion no; pid-file "%s/named.pid";'
            % d, "  notify no; };",
            'zone "%s" { type primary; file "%s"; };' % (origin, zone)]
    (d / "named.conf").write_text("\n".join(conf) + "\n")
    return Proc("bind", pin + ["named", "-g", "-u", "root", "-n", "1",
                               "-U", "1", "-c", str(d / "named.conf")],
                port, d)


def pdns_conf(d, port, backend):
    """A pdns.conf for pdns_server on 127.0.0.1:port, one receiver and one
    distributor thread, caches as by default; backend: its launch= and
    backend lines."""
    return list(backend) + [
        "local-address=127.0.0.1", "local-port=%d" % port,
        "daemon=no", "guardian=no", "socket-dir=%s" % d,
        "write-pid=no", "security-poll-suffix=", "api=no",
        "webserver=no", "receiver-threads=1", "distributor-threads=1",
        "disable-syslog=yes", "loglevel=4"]


def pdns(d, origin, zone, port, pin, build):
    (d / "named.conf").write_text(
        'zone "%s" { type master; file "%s"; };\n' % (origin, zone))
    conf = pdns_conf(d, port, ["launch=bind",
                               "bind-config=%s/named.conf" % d])
    (d / "pdns.conf").write_text("\n".join(conf) + "\n")
    return Proc("powerdns", pin + ["pdns_server", "--config-dir=%s" % d],
                port, d)


# In the order of the rounds; the first is the reference for ratios.
ALL = [("banchi-auth", banchi), ("nsd", nsd), ("knot", knot),
       ("bind", bind), ("powerdns", pdns), ("ceiling", ceiling)]
