/* The bridge between vunetlwipv6 (Node) and lwIPv6.
 *
 * 1. Readiness callbacks, carried to Node.
 *
 * lwip_event_subscribe() runs its one-shot callback on lwIPv6's own thread
 * with an internal lock held, so the callback may neither call back into
 * lwIPv6 nor wait for Node's main thread (a koffi callback would: it blocks
 * until the main thread runs it). This callback only writes the 8-byte key
 * it was registered with into a pipe Node reads; Node then asks lwIPv6 the
 * socket's state again from its own thread. If the pipe is ever full the
 * key is lost, so an overflow flag tells Node to re-check every socket. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <lwipv6.h>

static int pipe_w = -1;
static volatile int overflowed;

static void on_event(void *arg)
{
	uint64_t key = (uint64_t)(uintptr_t)arg;
	if (write(pipe_w, &key, sizeof key) != (ssize_t)sizeof key)
		overflowed = 1;
}

/* Makes the pipe; returns its read end (or -1). */
int vu_lwip_events_open(void)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	pipe_w = p[1];
	/* lwIPv6 prints notes on stdout (e.g. on an option it does not know):
	 * that is the guest's terminal. C stdio only, not fd 1, goes quiet. */
	FILE *devnull = fopen("/dev/null", "w");
	if (devnull) stdout = devnull;
	return p[0];
}

/* The POLLIN/POLLOUT bits of `how` ready now; when none is, the callback is
 * armed and `key` will arrive on the pipe once one becomes ready. */
int vu_lwip_subscribe(int fd, int how, uint64_t key)
{
	return lwip_event_subscribe((lwipvoidfun)on_event, (void *)(uintptr_t)key, fd, how);
}

/* Drops what was armed with `key` on fd. */
void vu_lwip_unsubscribe(int fd, uint64_t key)
{
	lwip_event_subscribe(NULL, (void *)(uintptr_t)key, fd, POLLIN | POLLOUT);
}

/* 1 if keys were lost since the last call. */
int vu_lwip_overflowed(void)
{
	int o = overflowed;
	overflowed = 0;
	return o;
}

/* 2. The socket calls vunetlwipv6 makes, returning -errno on failure: errno
 * is per thread, and connect runs on a worker thread (lwIPv6's connect
 * blocks even on a non-blocking socket). */
#define NEG(expr) do { long r_ = (long)(expr); return r_ < 0 ? -(long)errno : r_; } while (0)

long vu_lwip_connect(int fd, const void *addr, unsigned len) { NEG(lwip_connect(fd, addr, len)); }
long vu_lwip_bind(int fd, const void *addr, unsigned len) { NEG(lwip_bind(fd, addr, len)); }
long vu_lwip_listen(int fd, int backlog) { NEG(lwip_listen(fd, backlog)); }
/* An accepted socket does not inherit O_NONBLOCK: set it, Node must never block in lwIPv6. */
long vu_lwip_accept(int fd, void *addr, socklen_t *len)
{
	int s = lwip_accept(fd, addr, len);
	if (s < 0) return -(long)errno;
	lwip_fcntl(s, F_SETFL, O_NONBLOCK);
	return s;
}
long vu_lwip_getsockname(int fd, void *addr, socklen_t *len) { NEG(lwip_getsockname(fd, addr, len)); }
long vu_lwip_getpeername(int fd, void *addr, socklen_t *len) { NEG(lwip_getpeername(fd, addr, len)); }
long vu_lwip_recvfrom(int fd, void *buf, int len, unsigned flags, void *addr, socklen_t *alen)
{ NEG(lwip_recvfrom(fd, buf, len, flags, addr, alen)); }
/* Without an address, lwip_send: lwIPv6's sendto with a NULL address spoils
 * a TCP connection (later reads give EOF at once). */
long vu_lwip_sendto(int fd, const void *buf, int len, unsigned flags, const void *addr, unsigned alen)
{
	if (!alen) NEG(lwip_send(fd, buf, len, flags));
	NEG(lwip_sendto(fd, buf, len, flags, addr, alen));
}
long vu_lwip_setsockopt(int fd, int level, int name, const void *val, unsigned len) { NEG(lwip_setsockopt(fd, level, name, val, len)); }
long vu_lwip_getsockopt(int fd, int level, int name, void *val, socklen_t *len) { NEG(lwip_getsockopt(fd, level, name, val, len)); }
long vu_lwip_ioctl(int fd, long req, void *arg) { NEG(lwip_ioctl(fd, req, arg)); }
long vu_lwip_socket(void *stack, int domain, int type, int protocol)
{
	int fd = lwip_msocket(stack, domain, type, protocol);
	if (fd < 0) return -(long)errno;
	lwip_fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}
