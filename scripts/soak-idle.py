#!/usr/bin/env python3
"""Holds many idle TCP connections open to a server, for scripts/soak.sh.

Opens N connections to HOST:PORT and sends nothing on them. When the server closes one (as
cpp-httplib does after its keep-alive timeout), it is opened again at once, so that N are open
at every moment for the whole run. Stops after --duration seconds or on SIGTERM/SIGINT, then
prints one line of figures:

  idle: connections=N opened=O closed_by_server=C connect_errors=E held_min=M \
        server_close_after_s_p50=X server_close_after_s_max=Y

(server_close_after_s: how long a connection stayed open before the server closed it.)
"""
import argparse
import selectors
import signal
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--duration", type=float, default=600)
    args = parser.parse_args()

    sel = selectors.DefaultSelector()
    opened = closed_by_server = connect_errors = 0
    lifetimes = []
    held_min = None
    stop = False

    def on_signal(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def open_one():
        nonlocal opened, connect_errors
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((args.host, args.port))
        if err not in (0, 115):  # 115: EINPROGRESS
            connect_errors += 1
            s.close()
            return False
        sel.register(s, selectors.EVENT_READ, time.monotonic())
        opened += 1
        return True

    end = time.monotonic() + args.duration
    missing = args.connections
    next_sample = time.monotonic()
    while not stop and time.monotonic() < end:
        while missing > 0 and open_one():
            missing -= 1
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                data = s.recv(4096)
                if data:
                    continue  # the server said something (an error page): keep holding it
                closed_by_server += 1
                lifetimes.append(time.monotonic() - key.data)
            except OSError:  # refused or reset
                connect_errors += 1
            sel.unregister(s)
            s.close()
            missing += 1
        now = time.monotonic()
        if now >= next_sample:
            held = len(sel.get_map())
            held_min = held if held_min is None else min(held_min, held)
            next_sample = now + 1
        if missing > 0 and connect_errors > 0:
            time.sleep(0.1)  # the server refuses: do not spin

    for key in list(sel.get_map().values()):
        key.fileobj.close()
    lifetimes.sort()
    p50 = lifetimes[len(lifetimes) // 2] if lifetimes else 0
    worst = lifetimes[-1] if lifetimes else 0
    print(f"idle: connections={args.connections} opened={opened} "
          f"closed_by_server={closed_by_server} connect_errors={connect_errors} "
          f"held_min={held_min or 0} server_close_after_s_p50={p50:.1f} "
          f"server_close_after_s_max={worst:.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
