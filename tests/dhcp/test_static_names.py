"""Names of static leases that leave the config: a static lease removed
from the config (its address outside the range) or renamed, by a reload
or across a restart, has its old A and PTR removed from DNS and its row
dropped from the lease database; the renamed one's new name is
registered; nothing else moves (a hand-made record, the other static)."""

from netns import Server, wait_for
from test_ddns import DNS, KEY, Auth, rev

ONE, TWO, THREE = "10.77.0.30", "10.77.0.31", "10.77.0.32"


def write(link, statics):
    conf = link.dir / "static.yaml"
    conf.write_text("dhcp:\n  static: [%s]\n" % ", ".join(
        "'%s'" % s for s in statics))
    return conf


def names(auth):
    return {n: auth.query(n + ".lan.test", "A")
            for n in ("one", "two", "deux", "three")}


def test_static_removed_or_renamed(link):
    auth = Auth(link)
    conf = write(link, ["02:00:00:00:00:01=%s,one" % ONE,
                        "02:00:00:00:00:02=%s,two" % TWO,
                        "02:00:00:00:00:03=%s,three" % THREE])
    srv = Server(link, "-c", conf, "--ddns", DNS, "--key", KEY,
                 "--forward-zone", "lan.test", "--reverse-zone",
                 "0.77.10.in-addr.arpa")
    wait_for("the three names", lambda: names(auth) == {
        "one": [ONE], "two": [TWO], "deux": [], "three": [THREE]}, 5)
    # a reload: one gone, two renamed deux
    write(link, ["02:00:00:00:00:02=%s,deux" % TWO,
                 "02:00:00:00:00:03=%s,three" % THREE])
    out = srv.ctl_json("reload")
    assert out["static_leases"] == 2, out
    wait_for("one and two gone, deux in", lambda: names(auth) == {
        "one": [], "two": [], "deux": [TWO], "three": [THREE]}, 5)
    assert auth.query(rev(ONE), "PTR") == []
    assert auth.query(rev(TWO), "PTR") == ["deux.lan.test."]
    assert auth.query("manual.lan.test", "A") == ["10.77.0.9"]
    wait_for("one's row dropped", lambda: ONE not in
             srv.leases(all_rows=True), 5)
    assert srv.leases(all_rows=True)[TWO]["hostname"] == "deux"
    # across a restart: three removed while the server was down
    srv.stop()
    write(link, ["02:00:00:00:00:02=%s,deux" % TWO])
    srv.start()
    wait_for("three gone", lambda: names(auth) == {
        "one": [], "two": [], "deux": [TWO], "three": []}, 5)
    assert auth.query(rev(THREE), "PTR") == []
    wait_for("three's row dropped", lambda: THREE not in
             srv.leases(all_rows=True), 5)
    assert "leases no longer in the config have names in DNS" in srv.log()
    srv.stop()
    auth.stop()
