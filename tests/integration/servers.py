"""Starting DNS servers on loopback for the tests: banchi-auth and the
peers (NSD, Knot DNS, BIND), each in the foreground on a free port, waited
for until it answers, killed by PID at the end. Plus small query helpers.
Shared by tests/integration and tests/differential."""

import os
import select
import shutil
import signal as sigmod
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rdatatype

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"


def banchi_binary():
    b = Path(os.environ.get("BANCHI_AUTH", "build/banchi-auth"))
    return b if b.is_absolute() else ROOT / b


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (best effort)."""
    for _ in range(50):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            u.close()
            t.close()
        return port
    raise RuntimeError("no free port")


def world_dir(prefix):
    """A scratch directory readable by an unprivileged daemon (after it
    drops to nobody it still re-reads zones on SIGHUP)."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


def copy_zone(src, dst_dir, name=None):
    dst = Path(dst_dir) / (name or Path(src).name)
    shutil.copyfile(src, dst)
    dst.chmod(0o644)
    return dst


def expand_zone(origin, src, dst):
    """BIND's expansion of a zone (for peers that cannot read $GENERATE)."""
    subprocess.run(["named-compilezone", "-q", "-i", "none", "-k", "ignore",
                    "-o", str(dst), origin, str(src)], check=True,
                   timeout=60)
    Path(dst).chmod(0o644)
    return dst


def query(where, qname, qtype="A", tcp=False, timeout=2.0, edns=None,
          payload=1232, rd=False, tries=3, **kw):
    """One query; returns the dns.message reply (raises on no answer)."""
    q = make_query(qname, qtype, edns=edns, payload=payload, rd=rd, **kw)
    return send(where, q, tcp=tcp, timeout=timeout, tries=tries)


def make_query(qname, qtype="A", edns=None, payload=1232, rd=False, **kw):
    """A query without EDNS when edns is None, else with that version
    (dnspython turns EDNS on by itself when given a payload, and reads
    use_edns=1 as True)."""
    if edns is None:
        q = dns.message.make_query(qname, qtype, use_edns=False)
    else:
        q = dns.message.make_query(qname, qtype, use_edns=0,
                                   payload=payload, **kw)
        q.use_edns(edns, payload=payload, options=kw.get("options"))
    if not rd:
        q.flags &= ~dns.flags.RD
    return q


def send(where, q, tcp=False, timeout=2.0, tries=3):
    host, port = where
    last = None
    for _ in range(tries):
        try:
            if tcp:
                return dns.query.tcp(q, host, port=port, timeout=timeout)
            return dns.query.udp(q, host, port=port, timeout=timeout,
                                 ignore_trailing=False)
        except dns.exception.Timeout as e:
            last = e
    raise last


def raw_udp(where, data, timeout=1.0):
    """Sends raw bytes over UDP; returns the reply bytes or None."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(data, where)
        return s.recvfrom(65535)[0]
    except (socket.timeout, ConnectionRefusedError):
        return None
    except OSError as e:
        if e.errno == 90:       # EMSGSIZE: over the UDP limit, not sent
            return None
        raise
    finally:
        s.close()


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_read_msg(s):
    """One length-framed message from a TCP socket, or None on close."""
    head = recv_exact(s, 2)
    if head is None:
        return None
    return recv_exact(s, struct.unpack("!H", head)[0])


def raw_tcp(where, data, timeout=1.0):
    """Sends raw bytes length-framed over a new TCP connection; returns
    the reply bytes, or None when the server closed or stayed silent."""
    s = socket.create_connection(where, timeout=timeout)
    try:
        s.sendall(struct.pack("!H", len(data)) + data)
        return tcp_read_msg(s)
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        return None
    finally:
        s.close()


def _collect(socks, want_tcp, wait):
    """Reads one reply per socket until each has one or wait is over."""
    out = [None] * len(socks)
    bufs = [b""] * len(socks)
    pending = {s.fileno(): i for i, s in enumerate(socks) if s is not None}
    end = time.monotonic() + wait
    while pending and time.monotonic() < end:
        ready, _, _ = select.select(list(pending), [], [],
                                    max(0.0, end - time.monotonic()))
        for fd in ready:
            i = pending[fd]
            try:
                data = socks[i].recv(65535)
            except OSError:
                data = b""
            if not want_tcp:
                out[i] = data
                del pending[fd]
                continue
            bufs[i] += data
            b = bufs[i]
            if not data:
                del pending[fd]         # closed: dropped
            elif len(b) >= 2 and len(b) >= 2 + struct.unpack("!H",
                                                             b[:2])[0]:
                out[i] = b[2:2 + struct.unpack("!H", b[:2])[0]]
                del pending[fd]
    return out


def blast(where, packets, tcp=False, wait=1.0, chunk=200):
    """Sends each packet on its own socket (UDP, or a TCP connection,
    length-framed), chunk at a time; returns the replies in order (None
    where the server stayed silent or closed)."""
    replies = []
    for k in range(0, len(packets), chunk):
        socks = []
        try:
            for p in packets[k:k + chunk]:
                try:
                    if tcp:
                        s = socket.create_connection(where, timeout=2)
                        s.sendall(struct.pack("!H", len(p)) + p)
                    else:
                        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        socks.append(s)
                        s.sendto(p, where)
                        continue
                    socks.append(s)
                except OSError as e:
                    if tcp or e.errno != 90:
                        raise
            replies += _collect(socks, tcp, wait)
        finally:
            for s in socks:
                s.close()
    return replies


def wait_answering(where, zone, proc=None, limit=20.0, tcp=False):
    """Waits until the server answers an SOA query for zone."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with %d" % proc.returncode)
        try:
            r = query(where, zone, "SOA", timeout=0.3, tries=1, tcp=tcp)
            if r.rcode() == 0 and r.answer:
                return r
        except (dns.exception.Timeout, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError("server on %s:%d does not answer" % where)


class Server:
    """A running server process: where (host, port), log path, stop()."""

    def __init__(self, name, argv, where, workdir, zone, env=None,
                 wait=True, limit=20.0):
        self.name = name
        self.where = where
        self.workdir = Path(workdir)
        self.log = self.workdir / (name + ".log")
        self.argv = argv
        with open(self.log, "wb") as logf:
            self.proc = subprocess.Popen(argv, stdout=logf,
                                         stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL,
                                         env=env)
        if wait:
            try:
                wait_answering(where, zone, self.proc, limit=limit)
            except Exception:
                self.stop()
                raise RuntimeError("%s did not start: %s\n%s" % (
                    name, " ".join(map(str, argv)), self.log_text()))

    @property
    def pid(self):
        return self.proc.pid

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=sigmod.SIGTERM, timeout=10.0):
        """Stops the process (SIGKILL after timeout); returns its code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


def start_banchi(workdir, zones, port=None, extra=(), wait=True,
                 binary=None, threads=2, prefix=()):
    """zones: list of (origin, path). Returns a Server. prefix: argv
    before the program (taskset)."""
    port = port or free_port()
    argv = list(prefix) + [str(binary or banchi_binary()),
            "--listen", "127.0.0.1:%d" % port]
    for origin, path in zones:
        argv += ["--zone", "%s=%s" % (origin, path)]
    if threads:
        argv += ["--threads", str(threads)]
    argv += list(extra)
    first = zones[0][0] if zones else "."
    return Server("banchi-auth", argv, ("127.0.0.1", port), workdir, first,
                  wait=wait)


def start_resolver_stub(workdir, zone, auth, extra=()):
    """banchi-resolver (next to banchi-auth) on a free loopback port, one
    thread, zone a stub zone of the Server auth; not waited for: the
    caller waits for what it needs."""
    port = free_port()
    argv = [str(banchi_binary().parent / "banchi-resolver"), "--listen",
            "127.0.0.1:%d" % port, "--stub",
            "%s=127.0.0.1:%d" % (zone, auth.where[1]),
            "--allow-special", "test", "--threads", "1",
            "--no-dnssec"] + list(extra)  # unsigned zones, no anchor
    return Server("banchi-resolver", argv, ("127.0.0.1", port), workdir,
                  zone, wait=False)


def start_nsd(workdir, zones, port=None, prefix=(), addrs=("127.0.0.1",),
              server=()):
    """addrs: the addresses it listens on, at port (waited for on the
    first); likewise for start_knot. server: more lines of its server
    section ("  nsid: ...")."""
    port = port or free_port()
    d = Path(workdir)
    conf = ["server:"] + ["  ip-address: %s@%d" % (a, port) for a in addrs]
    conf += ["  server-count: 1", '  username: ""', '  database: ""',
            '  zonesdir: "%s"' % d, '  pidfile: "%s/nsd.pid"' % d,
            '  xfrdfile: "%s/xfrd.state"' % d,
            '  zonelistfile: "%s/zone.list"' % d,
            "  rrl-ratelimit: 0", "  verbosity: 1"] + list(server)
    conf += ["remote-control:", "  control-enable: no"]
    for origin, path in zones:
        conf += ["zone:", "  name: %s" % origin, "  zonefile: %s" % path]
    (d / "nsd.conf").write_text("\n".join(conf) + "\n")
    return Server("nsd", list(prefix) + ["nsd", "-d", "-c",
                                         str(d / "nsd.conf")],
                  (addrs[0], port), d, zones[0][0])


def start_knot(workdir, zones, port=None, prefix=(), workers=None,
               addrs=("127.0.0.1",), server=()):
    port = port or free_port()
    d = Path(workdir)
    conf = ["server:", "  listen: [ %s ]" % ", ".join(
                "%s@%d" % (a, port) for a in addrs),
            "  rundir: %s" % d, "  user: root"] + list(server)
    if workers:
        conf += ["  udp-workers: %d" % workers, "  tcp-workers: %d" % workers,
                 "  background-workers: 1"]
    conf += ["database:", "  storage: %s" % d,
             "template:", "  - id: default", "    storage: %s" % d,
             "    zonefile-sync: -1", "    journal-content: none",
             "    semantic-checks: off", "zone:"]
    for origin, path in zones:
        conf += ["  - domain: %s" % origin, "    file: %s" % path]
    (d / "knot.conf").write_text("\n".join(conf) + "\n")
    return Server("knot", list(prefix) + ["knotd", "-c",
                                          str(d / "knot.conf")],
                  (addrs[0], port), d, zones[0][0])


def start_bind(workdir, zones, port=None, keys=()):
    """BIND on 127.0.0.1 only (it listens where its interface scan finds
    the address). No DNSSEC validation: with it, named primes its
    resolver from the Internet's root servers to refresh the root trust
    anchor, recursion or not; no rndc channel. keys: TSIG keys as
    (name, algorithm, base64 secret)."""
    port = port or free_port()
    d = Path(workdir)
    conf = ['key "%s" { algorithm %s; secret "%s"; };' % k for k in keys]
    conf += ['options { directory "%s"; listen-on port %d { 127.0.0.1; };'
             % (d, port),
             '  listen-on-v6 { none; }; recursion no; '
             'pid-file "%s/named.pid";' % d,
             "  notify no; max-records-per-type 0; max-types-per-name 0;",
             "  dnssec-validation no; };", "controls { };"]
    for origin, path in zones:
        conf.append('zone "%s" { type primary; file "%s"; };'
                    % (origin, Path(path).resolve()))
    (d / "named.conf").write_text("\n".join(conf) + "\n")
    return Server("bind", ["named", "-g", "-u", "root", "-c",
                           str(d / "named.conf")],
                  ("127.0.0.1", port), d, zones[0][0])
