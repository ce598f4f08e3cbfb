"""A UDP and TCP relay from a 127.0.0.x:53 address to a server on
127.0.0.1:PORT: BIND listens only on addresses its interface scan finds
(127.0.0.1 on lo), so the lab's other BIND addresses are relays, threads
of the test process passing datagrams and TCP streams through unchanged."""

import select
import socket
import threading
import time

TICK = 0.2          # how often the loops look at the stop flag
UDP_IDLE = 30.0     # an upstream socket unused this long is closed


class Relay:
    def __init__(self, listen, target):
        self.listen, self.target = listen, target
        self.stopping = threading.Event()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(listen)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(listen)
        self.tcp.listen(64)
        self.threads = [threading.Thread(target=self._udp_loop, daemon=True),
                        threading.Thread(target=self._tcp_loop, daemon=True)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def _udp_loop(self):
        """One upstream socket per client address and port, so that each
        reply goes back to the client that asked."""
        ups = {}            # client -> [socket, last use]
        back = {}           # upstream fileno -> client
        while not self.stopping.is_set():
            socks = [self.udp] + [u[0] for u in ups.values()]
            ready, _, _ = select.select(socks, [], [], TICK)
            for s in ready:
                try:
                    data, src = s.recvfrom(65535)
                except OSError:
                    continue
                if s is self.udp:
                    if src not in ups:
                        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        u.connect(self.target)
                        ups[src] = [u, 0.0]
                        back[u.fileno()] = src
                    ups[src][1] = time.monotonic()
                    ups[src][0].send(data)
                else:
                    self.udp.sendto(data, back[s.fileno()])
            now = time.monotonic()
            for src in [c for c, u in ups.items() if now - u[1] > UDP_IDLE]:
                del back[ups[src][0].fileno()]
                ups.pop(src)[0].close()
        for u, _ in ups.values():
            u.close()

    def _tcp_loop(self):
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.tcp], [], [], TICK)
            if not ready:
                continue
            try:
                c, _ = self.tcp.accept()
            except OSError:
                continue
            t = threading.Thread(target=self._pipe, args=(c,), daemon=True)
            t.start()

    def _pipe(self, c):
        """Both directions of one TCP connection until either side
        closes (or the relay stops)."""
        try:
            u = socket.create_connection(self.target, timeout=5)
        except OSError:
            c.close()
            return
        pair = {c: u, u: c}
        try:
            while not self.stopping.is_set():
                ready, _, _ = select.select(list(pair), [], [], TICK)
                for s in ready:
                    data = s.recv(65535)
                    if not data:
                        return
                    pair[s].sendall(data)
        except OSError:
            pass
        finally:
            c.close()
            u.close()

    def stop(self, timeout=5):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout)
        self.udp.close()
        self.tcp.close()
