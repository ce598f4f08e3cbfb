"""Change to visible for bench/sql.py: N records changed one by one in a
PowerDNS database (SQLite with Python's sqlite3, PostgreSQL through one
psql session), a change started every GAP s on a distinct name, and
every server reading that database polled over UDP until it answers the
new address. Each name is asked once before its change (at a random
moment of the PowerDNS cache TTL before it: a name in steady use is
cached at some point of that cycle), which also checks that the old
address was served."""

import heapq
import os
import random
import select
import socket
import statistics
import subprocess
import time

import dns.message
import dns.rdatatype

import measure

GAP = 0.02                      # s between two changes
FLOOR, FRACTION = 0.005, 0.05   # a pending name asked again after
                                # max(FLOOR, FRACTION of its age)
SLACK = 30.0                    # s after the last change's TTL: give up


class SqliteWriter:
    """One connection in autocommit mode: each UPDATE its own commit."""

    def __init__(self, path, origin):
        import sqlite3
        self.db = sqlite3.connect(str(path), timeout=10,
                                  isolation_level=None)
        self.domain = self.db.execute(
            "SELECT id FROM domains WHERE name = ?", (origin,)).fetchone()[0]

    def old(self, name):
        return self.db.execute(
            "SELECT content FROM records WHERE domain_id = ? AND name = ? "
            "AND type = 'A'", (self.domain, name)).fetchone()[0]

    def set(self, name, addr):
        c = self.db.execute(
            "UPDATE records SET content = ? WHERE domain_id = ? AND "
            "name = ? AND type = 'A'", (addr, self.domain, name))
        if c.rowcount != 1:
            raise RuntimeError("sqlite: %d rows for %s" % (c.rowcount, name))

    def close(self):
        self.db.close()


class PsqlWriter:
    """One psql session (autocommit): a statement, then an \\echo whose
    line says that it returned (psql flushes it). Its output is read
    from the pipe's descriptor, unbuffered: a buffered reader would hold
    lines that select() then no longer sees."""

    def __init__(self, argv, origin):
        self.p = subprocess.Popen(argv + ["-X", "-q", "-At", "-v",
                                          "ON_ERROR_STOP=1"],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, bufsize=0)
        self.fd = self.p.stdout.fileno()
        self.buf = b""
        self.seq = 0
        self.domain = int(self.run(
            "SELECT id FROM domains WHERE name = %s" % q(origin))[0])

    def run(self, sql, limit=10.0):
        """The lines sql printed."""
        self.seq += 1
        mark = b"done %d" % self.seq
        self.p.stdin.write(("%s;\n\\echo %s\n" % (
            sql, mark.decode())).encode())
        end = time.monotonic() + limit
        while time.monotonic() < end:
            lines = self.buf.split(b"\n")
            if mark in lines[:-1]:
                k = lines.index(mark)
                self.buf = b"\n".join(lines[k + 1:])
                return [x.decode() for x in lines[:k]]
            r, _, _ = select.select([self.fd], [], [],
                                    max(0, end - time.monotonic()))
            if r:
                data = os.read(self.fd, 65536)
                if not data:
                    raise RuntimeError("psql exited with %s" %
                                       self.p.wait(5))
                self.buf += data
        raise RuntimeError("psql: no answer in %.0f s to %s" % (limit, sql))

    def old(self, name):
        return self.run("SELECT content FROM records WHERE domain_id = %d "
                        "AND name = %s AND type = 'A'" % (self.domain,
                                                          q(name)))[0]

    def set(self, name, addr):
        ids = self.run("UPDATE records SET content = %s WHERE domain_id = %d "
                       "AND name = %s AND type = 'A' RETURNING id" % (
                           q(addr), self.domain, q(name)))
        if len(ids) != 1:
            raise RuntimeError("psql: %d rows for %s" % (len(ids), name))

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait(5)


def q(text):
    return "'%s'" % text.replace("'", "''")


class Poller:
    """One UDP socket to one server; queries by name, answers matched by
    ID; the A addresses of each answer (None: not NOERROR)."""

    def __init__(self, name, where):
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect(where)
        self.sock.setblocking(False)
        self.wire = {}
        self.sent = {}          # id -> item
        self.qid = 0
        self.count = 0

    def ask(self, item):
        w = self.wire.get(item.name)
        if w is None:
            m = dns.message.make_query(item.name, "A", use_edns=False)
            m.flags = 0
            w = self.wire[item.name] = bytearray(m.to_wire())
        self.qid = (self.qid + 1) & 0xffff
        w[0:2] = self.qid.to_bytes(2, "big")
        self.sent[self.qid] = item
        self.count += 1
        try:
            self.sock.send(w)
        except OSError:
            pass                # asked again at its next turn

    def answers(self):
        """[(item, addresses or None)] of what has arrived."""
        out = []
        while True:
            try:
                data = self.sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                return out
            except OSError:
                continue        # an ICMP error: the next ask retries
            try:
                r = dns.message.from_wire(data)
            except Exception:   # noqa: BLE001 (a bad answer: ask again)
                continue
            item = self.sent.pop(r.id, None)
            if item is None:
                continue
            addrs = None
            if r.rcode() == 0:
                addrs = {rr.to_text() for s in r.answer
                         if s.rdtype == dns.rdatatype.A for rr in s}
            out.append((item, addrs))


class Item:
    """One name at one server: primed (old answer seen), then pending
    from its change's commit until its new address is answered."""

    def __init__(self, poller, index, name, old, new):
        self.poller, self.index, self.name = poller, index, name
        self.old, self.new = old, new
        self.primed = None      # True: the old address was answered
        self.t_commit = None
        self.t_seen = None
        self.other = 0          # answers neither old nor new


def addr_of(i, base):
    return "%s.%d.%d" % (base, i // 256, i % 256)


def plan(groups, names, ttl, seed=20241206):
    """The schedule: change i at lead + i * GAP (lead = ttl), each name
    primed at a random moment of the ttl before its change. groups:
    [(writer, [(server, where, every)])] (every k-th change polled at that
    server). Returns (changes [(t, writer, name, new, [items])], primes
    [(t, item)] sorted, items, pollers)."""
    rnd = random.Random(seed)
    changes, primes, items, pollers = [], [], [], {}
    for g, (writer, servers) in enumerate(groups):
        for server, where, _ in servers:
            pollers[server] = Poller(server, where)
        for i, name in enumerate(names):
            new = addr_of(i, "198.%d" % (18 + g % 2))
            t = ttl + i * GAP
            its = []
            for server, _, every in servers:
                if i % every:
                    continue
                it = Item(pollers[server], i, name, writer.old(name), new)
                its.append(it)
                items.append(it)
                primes.append((t - rnd.uniform(0, ttl), len(primes), it))
            changes.append((t, writer, name, new, its))
    changes.sort(key=lambda c: c[0])
    primes.sort()
    return changes, [(t, it) for t, _, it in primes], items, pollers


def run(groups, names, ttl):
    """Runs the plan; returns {server: stats} (see summarize)."""
    changes, primes, items, pollers = plan(groups, names, ttl)
    t0 = time.monotonic()
    deadline = t0 + ttl + len(names) * GAP + ttl + SLACK
    due = []                    # heap (time, seq, item) of pending names
    seq = ci = pi = pending = 0
    socks = {p.sock: p for p in pollers.values()}
    while time.monotonic() < deadline:
        now = time.monotonic()
        while ci < len(changes) and t0 + changes[ci][0] <= now:
            _, writer, name, new, its = changes[ci]
            writer.set(name, new)
            tc = time.monotonic()
            for it in its:
                it.t_commit = tc
                heapq.heappush(due, (tc, seq, it))
                seq += 1
                pending += 1
            ci += 1
        while pi < len(primes) and t0 + primes[pi][0] <= now:
            primes[pi][1].poller.ask(primes[pi][1])
            pi += 1
        while due and due[0][0] <= now:
            _, _, it = heapq.heappop(due)
            if it.t_seen is not None:
                continue
            it.poller.ask(it)
            heapq.heappush(due, (now + max(FLOOR, FRACTION * (
                now - it.t_commit)), seq, it))
            seq += 1
        if ci == len(changes) and pi == len(primes) and not pending:
            break
        nxt = [deadline]
        if ci < len(changes):
            nxt.append(t0 + changes[ci][0])
        if pi < len(primes):
            nxt.append(t0 + primes[pi][0])
        if due:
            nxt.append(due[0][0])
        wait = max(0.0, min(nxt) - time.monotonic())
        r, _, _ = select.select(list(socks), [], [], min(wait, 0.05))
        for s in r:
            for it, addrs in socks[s].answers():
                pending -= take(it, addrs)
    for p in pollers.values():
        p.sock.close()
    return summarize(items, pollers, time.monotonic() - t0)


def take(it, addrs):
    """Notes an answer for it; 1 if it shows the change for the first
    time, else 0."""
    if it.t_seen is not None:
        return 0
    if addrs == {it.old}:
        it.primed = True        # the prime's answer (or a poll's: late)
    elif addrs == {it.new} and it.t_commit is not None:
        it.t_seen = time.monotonic()
        return 1
    else:
        it.other += 1
    return 0


def summarize(items, pollers, wall):
    """Per server: changes polled, seen, seconds from commit to the new
    answer (median, p99, max), primes that saw the old address, other
    answers, queries sent."""
    out = {}
    for name, p in pollers.items():
        mine = [it for it in items if it.poller is p]
        ts = sorted(it.t_seen - it.t_commit for it in mine
                    if it.t_seen is not None)
        out[name] = {
            "polled": len(mine), "seen": len(ts),
            "median": statistics.median(ts) if ts else float("nan"),
            "p99": measure.percentile(ts, 99),
            "max": ts[-1] if ts else float("nan"),
            "primed_old": sum(1 for it in mine if it.primed),
            "other": sum(it.other for it in mine),
            "queries": p.count, "wall": wall}
    return out
