"""Network boot (--boot, --boot-server): a UEFI PXE client (ISC dhclient
sending the vendor class and option 93 of EFI BC firmware), a BIOS PXE
client (udhcpc), a UEFI HTTP boot client and a plain one (raw packets
from sender.py) each get the boot file of their architecture, or none;
iPXE (user class) gets the ipxe rule."""


from clients import Dhclient, Udhcpc
from netns import BANCHI_DHCP, SERVER_ADDR, Server, run, send

URL = "http://10.77.0.9/efi/x64/boot.efi"
BOOT = ["--boot", "bios=undionly.kpxe", "--boot", "efi-bc=efi/bc.efi",
        "--boot", "efi-x64-http=" + URL, "--boot", "efi-arm64=arm64.efi"]


def test_uefi_pxe_dhclient(link):
    srv = Server(link, *BOOT, "--boot-server", "10.77.0.9")
    c = Dhclient(link, "pxe-efi")
    c.conf.write_text(c.conf.read_text() +
                      "option pxe-arch code 93 = unsigned integer 16;\n"
                      "send pxe-arch 7;\n"
                      "send vendor-class-identifier "
                      "\"PXEClient:Arch:00007:UNDI:003016\";\n")
    c.start()
    env = c.wait_event(c.BOUND)[1]
    text = c.lease_file.read_text()
    assert 'filename "efi/bc.efi";' in text, text
    # dhclient 4.4 does not write next-server to its lease file; its
    # script gets it
    assert env.get("new_next_server") == "10.77.0.9", env
    assert env.get("new_filename") == "efi/bc.efi", env
    c.stop()
    srv.stop()


def test_bios_pxe_udhcpc(link):
    """BIOS (arch 0): the file field and option 67 asked for, siaddr the
    server identifier by default."""
    srv = Server(link, *BOOT)
    c = Udhcpc(link, "pxe-bios")
    c.extra = ["-V", "PXEClient:Arch:00000:UNDI:002001", "-x",
               "0x5d:0000", "-O", "bootfile"]
    c.start()
    env = c.wait_event(c.BOUND)[1]
    assert env.get("boot_file") == "undionly.kpxe", env
    assert env.get("bootfile") == "undionly.kpxe", env
    assert env.get("siaddr") == SERVER_ADDR, env
    c.stop()
    srv.stop()


def test_http_boot_and_others(link):
    """UEFI HTTP boot (arch 16): the URL and option 60 "HTTPClient"; an
    arm64 PXE client its file; a client of an architecture without a
    rule (no default given) and a plain client nothing."""
    srv = Server(link, *BOOT)
    link.in_client("ip", "addr", "add", "10.77.0.200/24", "dev",
                   link.veth_c)
    http = b"HTTPClient:Arch:00016:UNDI:003001"
    pxe = b"PXEClient:Arch:00011:UNDI:003000"
    ia32 = b"PXEClient:Arch:00006:UNDI:003000"

    def vc(v, arch):
        return (bytes([60, len(v)]) + v + bytes([93, 2, 0, arch]) +
                bytes([55, 3, 1, 3, 67])).hex()
    r = send(link, [dict(type=1, mac="02:00:00:00:0b:01", xid=1,
                         opts=vc(http, 16)),
                    dict(type=1, mac="02:00:00:00:0b:02", xid=2,
                         opts=vc(pxe, 11)),
                    dict(type=1, mac="02:00:00:00:0b:03", xid=3,
                         opts=vc(ia32, 6)),
                    dict(type=1, mac="02:00:00:00:0b:04", xid=4)], expect=4)
    got = {x["xid"]: x for x in r}
    assert sorted(got) == [1, 2, 3, 4] and all(x["type"] == 2 for x in r)
    assert got[1]["file"] == URL and got[1]["siaddr"] == SERVER_ADDR
    assert bytes.fromhex(got[1]["opts"]["60"]) == b"HTTPClient"
    assert bytes.fromhex(got[1]["opts"]["67"]) == URL.encode()
    assert got[2]["file"] == "arm64.efi" and "60" not in got[2]["opts"]
    for x in (got[3], got[4]):
        assert x["file"] == "" and x["siaddr"] == "0.0.0.0", x
        assert "67" not in x["opts"]
    srv.stop()


def test_ipxe_chainload_udhcpc(link):
    """A BIOS PXE ROM gets undionly.kpxe; the iPXE it loads asks again
    with the same vendor class and architecture plus user class "iPXE"
    (option 77) and gets the ipxe rule's script, not iPXE again."""
    script = "http://10.77.0.1/boot.ipxe"
    srv = Server(link, *BOOT, "--boot", "ipxe=" + script)
    c = Udhcpc(link, "ipxe")
    c.extra = ["-V", "PXEClient:Arch:00000:UNDI:002001", "-x",
               "0x5d:0000", "-x", "0x4d:" + b"iPXE".hex()]
    c.start()
    env = c.wait_event(c.BOUND)[1]
    assert env.get("boot_file") == script, env
    c.stop()
    srv.stop()
    r = run(str(BANCHI_DHCP), "--interface", "lo", "--subnet",
            "10.77.0.0/24", "--range", "10.77.0.50-10.77.0.99",
            "--lease-db", str(link.dir / "x.db"), "--boot", "ipxe=a",
            "--boot", "ipxe:bios=b", "--boot", "ipxe=c", check=False)
    assert r.returncode == 2 and "same architecture" in r.stderr, r.stderr
