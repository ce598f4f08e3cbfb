"""The real DHCP clients, each in the client namespace: ISC dhclient,
busybox udhcpc and dhcpcd. Each runs a script of ours that appends its
event and environment to a file (and, for dhclient and udhcpc, which
leave that to the script, sets the address), so that nothing outside
the namespace changes (no /etc/resolv.conf). got() gives what the
client got, in one form for all three."""

import os
import signal
import stat

from netns import wait_for

# The event is written once the address is set: a test that sees it can
# use the address (udhcpc sends its RELEASE from it).
SCRIPT = """#!/bin/sh
ev="${reason:-$1}"
case "$ev" in
bound|renew)
    ip addr replace "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route replace default via "${router%% *}" \
        dev "$interface"
    ;;
deconfig)
    ip addr flush dev "$interface" ;;
BOUND|RENEW|REBIND|REBOOT)
    [ -n "$new_ip_address" ] && [ "%(own)s" = yes ] &&
        ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
    ;;
RELEASE|EXPIRE|STOP)
    [ "%(own)s" = yes ] && ip addr flush dev "$interface" ;;
esac
{ echo "EVENT $ev"; env | sort; echo END; } >> "%(events)s"
exit 0
"""

OPTS_WANTED = ("ip", "mask", "routers", "dns", "domain", "lease", "search",
               "ntp", "mtu", "routes", "hostname", "server")


class Client:
    name = "?"
    own_address = True          # the script sets the address

    def __init__(self, link, hostname):
        self.link = link
        self.hostname = hostname
        self.events = link.dir / ("%s.events" % self.name)
        self.script = link.dir / ("%s.sh" % self.name)
        self.script.write_text(SCRIPT % {"events": self.events,
                                         "own": "yes" if self.own_address
                                         else "no"})
        self.script.chmod(self.script.stat().st_mode | stat.S_IXUSR)
        self.proc = None
        self.extra = []         # more arguments (udhcpc)
        self.iface = link.veth_c        # the interface (udhcpc)

    def all_events(self):
        """[(event, {var: value})] in order."""
        if not self.events.exists():
            return []
        out, cur = [], None
        for line in self.events.read_text(errors="replace").splitlines():
            if line.startswith("EVENT "):
                cur = (line[6:], {})
            elif line == "END" and cur:
                out.append(cur)
                cur = None
            elif cur and "=" in line:
                k, v = line.split("=", 1)
                cur[1][k] = v
        return out

    def wait_event(self, kinds, after=0, timeout=20):
        """The first event of kinds beyond the first `after` events."""
        def find():
            ev = self.all_events()[after:]
            for e in ev:
                if e[0] in kinds:
                    return e
            return None
        return wait_for("%s event %s (log: %s)" % (self.name, kinds,
                                                   self.log_tail()),
                        find, timeout)

    def log_tail(self):
        p = self.link.dir / ("%s.log" % self.name)
        return p.read_text(errors="replace")[-1500:] if p.exists() else ""

    def count(self):
        return len(self.all_events())

    def stop(self, sig=signal.SIGTERM):
        if self.proc:
            self.link.stop(self.proc, sig)


class Udhcpc(Client):
    name = "udhcpc"
    BOUND = ("bound",)
    RENEWED = ("renew", "bound")

    def start(self):
        self.proc = self.link.spawn(self.link.ns_c, [
            "udhcpc", "-i", self.iface, "-f", "-s", self.script,
            "-t", "10", "-T", "1", "-A", "1", "-x",
            "hostname:%s" % self.hostname, "-O", "search", "-O",
            "staticroutes", "-O", "ntpsrv", "-O", "mtu"] + self.extra,
            "%s.log" % self.name)

    def renew(self):
        os.killpg(self.proc.pid, signal.SIGUSR1)

    def release(self):
        n = self.count()
        os.killpg(self.proc.pid, signal.SIGUSR2)
        self.wait_event(("deconfig",), after=n, timeout=10)

    @staticmethod
    def got(env):
        return dict(ip=env.get("ip"), mask=env.get("subnet"),
                    routers=env.get("router", "").split(),
                    dns=env.get("dns", "").split(),
                    domain=env.get("domain"), lease=int(env.get("lease", 0)),
                    search=env.get("search"), ntp=env.get("ntpsrv"),
                    mtu=env.get("mtu"), routes=env.get("staticroutes"),
                    hostname=env.get("hostname"),
                    server=env.get("serverid"))


def isc_style(env):
    """dhclient's and dhcpcd's variables."""
    mask = env.get("new_subnet_mask")
    return dict(ip=env.get("new_ip_address"), mask=mask,
                routers=env.get("new_routers", "").split(),
                dns=env.get("new_domain_name_servers", "").split(),
                domain=env.get("new_domain_name"),
                lease=int(env.get("new_dhcp_lease_time", 0)),
                search=env.get("new_domain_search"),
                ntp=env.get("new_ntp_servers"),
                mtu=env.get("new_interface_mtu"),
                routes=env.get("new_rfc3442_classless_static_routes",
                               env.get("new_classless_static_routes")),
                hostname=env.get("new_host_name"),
                server=env.get("new_dhcp_server_identifier"))


class Dhclient(Client):
    name = "dhclient"
    BOUND = ("BOUND", "REBOOT")
    RENEWED = ("RENEW", "REBOOT", "BOUND", "REBIND")

    def __init__(self, link, hostname):
        super().__init__(link, hostname)
        self.conf = link.dir / "dhclient.conf"
        self.lease_file = link.dir / "dhclient.leases"
        self.pid_file = link.dir / "dhclient.pid"
        self.conf.write_text(
            "option rfc3442-classless-static-routes code 121 = "
            "array of unsigned integer 8;\n"
            "send host-name \"%s\";\n"
            "request subnet-mask, broadcast-address, routers, domain-name,"
            " domain-name-servers, domain-search, host-name, ntp-servers,"
            " interface-mtu, rfc3442-classless-static-routes;\n"
            "timeout 30;\nretry 5;\n" % hostname)

    def args(self, *extra):
        return ["dhclient", "-4", "-v", "-cf", self.conf, "-sf", self.script,
                "-lf", self.lease_file, "-pf", self.pid_file] + \
            list(extra) + [self.link.veth_c]

    def start(self):
        self.proc = self.link.spawn(self.link.ns_c, self.args("-d"),
                                    "dhclient.log")

    def renew(self):
        """dhclient renews at T1 only: restart it instead, which sends a
        REQUEST for its lease from the lease file (INIT-REBOOT)."""
        self.stop()
        self.start()

    def release(self):
        self.stop()
        self.link.in_client(*self.args("-r"), timeout=20)

    @staticmethod
    def got(env):
        return isc_style(env)


class Dhcpcd(Client):
    name = "dhcpcd"
    own_address = False         # dhcpcd sets it itself
    BOUND = ("BOUND", "REBOOT")
    RENEWED = ("RENEW", "REBIND", "BOUND", "REBOOT")

    def __init__(self, link, hostname):
        super().__init__(link, hostname)
        self.conf = link.dir / "dhcpcd.conf"
        self.conf.write_text(
            "hostname %s\n"
            "option domain_name_servers, domain_name, domain_search,"
            " host_name, classless_static_routes, ntp_servers,"
            " interface_mtu\n"
            "noarp\nnoipv4ll\nipv4only\nnodelay\n" % hostname)

    def args(self, *extra):
        return ["dhcpcd", "-4", "-f", self.conf, "-c", self.script] + \
            list(extra) + [self.link.veth_c]

    def start(self):
        self.proc = self.link.spawn(self.link.ns_c,
                                    self.args("-B", "-t", "20"),
                                    "dhcpcd.log")

    def renew(self):
        self.link.in_client(*self.args("-n"))

    def release(self):
        self.link.in_client(*self.args("-k"), timeout=20)
        wait_for("dhcpcd to exit", lambda: self.proc.poll() is not None, 15)

    def dumplease(self):
        return self.link.in_client("dhcpcd", "-4", "--dumplease",
                                   self.link.veth_c, check=False).stdout

    @staticmethod
    def got(env):
        return isc_style(env)


CLIENTS = {"dhclient": Dhclient, "udhcpc": Udhcpc, "dhcpcd": Dhcpcd}
