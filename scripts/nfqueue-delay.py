#!/usr/bin/env python3
"""Delays every packet of one NFQUEUE queue by DELAY +- JITTER ms (uniform), then accepts it.

A user-space stand-in for `tc netem delay` on kernels built without netem (CONFIG_NET_SCH_NETEM), used by
scripts/netns-cluster.sh's `delay` command: an iptables rule sends what a member receives to the queue, this program
holds each packet's verdict until it is due. Standard library only: it speaks nfnetlink_queue over a raw netlink
socket (constants from linux/netlink.h, linux/netfilter/nfnetlink.h and nfnetlink_queue.h). Like netem with jitter,
packets may leave out of order. It runs until SIGTERM or SIGINT, then accepts what it still holds and unbinds.

usage: nfqueue-delay.py --queue N --delay-ms MS [--jitter-ms MS] [--seed N]   (root, in the namespace of the rule)
"""
import argparse
import errno
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLMSG_ERROR = 0x2
SOL_NETLINK = 270
NETLINK_NO_ENOBUFS = 5
SO_RCVBUFFORCE = 33

NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQA_CFG_QUEUE_MAXLEN = 3
NFQA_CFG_MASK = 4
NFQA_CFG_FLAGS = 5
NFQNL_CFG_CMD_BIND = 1
NFQNL_CFG_CMD_UNBIND = 2
NFQNL_CFG_CMD_PF_BIND = 3
NFQNL_CFG_CMD_PF_UNBIND = 4
NFQNL_COPY_META = 1
# Fail open: should the queue or the socket overflow, the kernel passes packets undelayed instead of dropping them, so
# the only loss is the loss a test asks for. GSO: hand over large segments whole (we never touch the payload).
NFQA_CFG_F_FAIL_OPEN = 1 << 0
NFQA_CFG_F_GSO = 1 << 2
NF_ACCEPT = 1

PACKET = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET
QUEUE_MAXLEN = 20000
# Verdicts are sent together, several netlink messages in one datagram; bound how many.
VERDICTS_PER_SEND = 256


def attr(kind, payload):
    """One netlink attribute, padded to 4 bytes."""
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def message(msg_type, flags, queue, attrs, family=socket.AF_UNSPEC):
    """A netlink message of the queue subsystem: nlmsghdr, nfgenmsg (res_id: the queue, big-endian), attributes."""
    body = struct.pack("=BB", family, 0) + struct.pack("!H", queue) + b"".join(attrs)
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, 0, 0) + body


def messages(data):
    """(type, payload) of each netlink message in a datagram."""
    offset = 0
    while offset + 16 <= len(data):
        length, msg_type = struct.unpack_from("=IH", data, offset)
        if length < 16:
            return
        yield msg_type, data[offset + 16:offset + length]
        offset += (length + 3) & ~3


def packet_id(payload):
    """The packet id of an NFQNL_MSG_PACKET (its NFQA_PACKET_HDR), after the 4-byte nfgenmsg; None if absent."""
    offset = 4
    while offset + 4 <= len(payload):
        length, kind = struct.unpack_from("=HH", payload, offset)
        if length < 4:
            return None
        if kind & 0x7FFF == NFQA_PACKET_HDR:
            return struct.unpack_from("!I", payload, offset + 4)[0]
        offset += (length + 3) & ~3
    return None


def configure(sock, queue, attrs, what, required=True):
    """Sends one config message with an ack requested; fails (or warns) on the kernel's error."""
    sock.send(message(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, queue, attrs))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not select.select([sock], [], [], max(0.0, deadline - time.monotonic()))[0]:
            break
        for msg_type, payload in messages(sock.recv(65536)):
            if msg_type == NLMSG_ERROR:
                code = -struct.unpack_from("=i", payload)[0]
                if code == 0:
                    return
                if required:
                    sys.exit(f"nfqueue-delay: {what} on queue {queue}: {os.strerror(code)}")
                print(f"nfqueue-delay: {what} on queue {queue}: {os.strerror(code)} (going on)", flush=True)
                return
    sys.exit(f"nfqueue-delay: {what} on queue {queue}: no answer from the kernel")


def cmd(command, family=socket.AF_UNSPEC):
    return attr(NFQA_CFG_CMD, struct.pack("=BB", command, 0) + struct.pack("!H", family))


def main():
    parser = argparse.ArgumentParser(description="Delay the packets of an NFQUEUE queue, then accept them.")
    parser.add_argument("--queue", type=int, required=True, help="queue number (iptables -j NFQUEUE --queue-num)")
    parser.add_argument("--delay-ms", type=float, required=True)
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="each packet's delay is uniform in delay +- this")
    parser.add_argument("--seed", type=int, help="for a repeatable sequence of delays")
    args = parser.parse_args()
    if not 0 <= args.queue <= 65535 or args.delay_ms < 0 or args.jitter_ms < 0:
        parser.error("queue must be 0-65535, delays not negative")
    rng = random.Random(args.seed)

    # Signals only wake the loop (through the pipe); it then stops between two steps, never in the middle of one.
    stop = []
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: stop.append(signum))

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)

    # Kernels before 3.8 want the family (un)bound first; newer ones ignore both commands.
    configure(sock, 0, [cmd(NFQNL_CFG_CMD_PF_UNBIND, socket.AF_INET)], "PF_UNBIND", required=False)
    configure(sock, 0, [cmd(NFQNL_CFG_CMD_PF_BIND, socket.AF_INET)], "PF_BIND", required=False)
    configure(sock, args.queue, [cmd(NFQNL_CFG_CMD_BIND)], "bind")
    # Metadata only: the packet id is all a verdict needs.
    configure(sock, args.queue, [attr(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META)),
                                 attr(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", QUEUE_MAXLEN))], "params")
    flags = struct.pack("!I", NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO)
    configure(sock, args.queue, [attr(NFQA_CFG_MASK, flags), attr(NFQA_CFG_FLAGS, flags)], "flags", required=False)
    print(f"nfqueue-delay: queue {args.queue} bound, delay {args.delay_ms:g} ms +- {args.jitter_ms:g} ms", flush=True)

    due = []  # heap of (when, arrival order, packet id)
    arrivals = 0

    def release(now):
        batch = []
        while due and due[0][0] <= now and len(batch) < VERDICTS_PER_SEND:
            _, _, pid = heapq.heappop(due)
            batch.append(message(NFQNL_MSG_VERDICT, NLM_F_REQUEST, args.queue,
                                 [attr(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, pid))]))
        if batch:
            sock.send(b"".join(batch))  # to the kernel: handled before send returns, never blocks for long
        return len(batch)

    while not stop:
        now = time.monotonic()
        while release(now) == VERDICTS_PER_SEND:
            pass
        timeout = max(0.0, due[0][0] - time.monotonic()) if due else 1.0
        readable = select.select([sock, wake_r], [], [], timeout)[0]
        if wake_r in readable:
            os.read(wake_r, 512)
        if sock not in readable:
            continue
        # Drain what is there, a bounded number of datagrams per turn so that due verdicts are never starved.
        for _ in range(1024):
            try:
                data = sock.recv(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.ENOBUFS:  # messages lost; fail-open has passed those packets
                    continue
                raise
            arrived = time.monotonic()
            for msg_type, payload in messages(data):
                if msg_type != PACKET:
                    continue
                pid = packet_id(payload)
                if pid is not None:
                    delay = max(0.0, args.delay_ms + rng.uniform(-args.jitter_ms, args.jitter_ms)) / 1000
                    arrivals += 1
                    heapq.heappush(due, (arrived + delay, arrivals, pid))

    # Accept what is still held (unbinding would drop it), then unbind.
    while due:
        release(float("inf"))
    sock.send(message(NFQNL_MSG_CONFIG, NLM_F_REQUEST, args.queue, [cmd(NFQNL_CFG_CMD_UNBIND)]))
    sock.close()
    print(f"nfqueue-delay: queue {args.queue}: {arrivals} packets delayed; stopped by signal {stop[0]}", flush=True)


if __name__ == "__main__":
    main()
