#define _GNU_SOURCE
#include "vpoll.h"
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

struct vpoll {
	uint32_t id;
	int local;  /* the helper's end */
	int guest;  /* a duplicate of the guest's end (same open file) */
	uint32_t mask;
	int offered; /* the core may be applying masks on its own copies */
	struct vpoll *next;
};

#define BUCKETS 1024
static struct vpoll *table[BUCKETS];
static int listener = -1;
static int count;

int vpoll_count(void) { return count; }
static struct sockaddr_un addr;
static socklen_t addrlen;

int vpoll_init(void)
{
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0) return -errno;
	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	/* abstract name: nothing in the filesystem, gone with the helper */
	int n = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "vu-tracer-%d", getpid());
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	if (bind(listener, (struct sockaddr *)&addr, addrlen) != 0 || listen(listener, 64) != 0) return -errno;
	return 0;
}

static struct vpoll **find(uint32_t id)
{
	struct vpoll **p = &table[id % BUCKETS];
	while (*p && (*p)->id != id) p = &(*p)->next;
	return p;
}

static void apply(struct vpoll *v, uint32_t mask)
{
	char buf[4096];
	if ((mask & EPOLLIN) && !(v->mask & EPOLLIN)) {
		if (write(v->local, "", 1) != 1) {}
	} else if (!(mask & EPOLLIN) && (v->mask & EPOLLIN)) {
		while (recv(v->guest, buf, sizeof buf, MSG_DONTWAIT) > 0) {}
	}
	if (!(mask & EPOLLOUT) && (v->mask & EPOLLOUT)) {
		while (send(v->guest, buf, sizeof buf, MSG_DONTWAIT) > 0) {}
		while (send(v->guest, buf, 1, MSG_DONTWAIT) > 0) {}
	} else if ((mask & EPOLLOUT) && !(v->mask & EPOLLOUT)) {
		while (recv(v->local, buf, sizeof buf, MSG_DONTWAIT) > 0) {}
	}
	if (mask & (EPOLLHUP | EPOLLRDHUP)) shutdown(v->local, (mask & EPOLLHUP) ? SHUT_RDWR : SHUT_WR);
	v->mask = mask;
}

int vpoll_adopt(pid_t tgid, int gfd, uint32_t id, uint32_t mask)
{
	int pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	if (pidfd < 0) return -errno;
	int guest = (int)syscall(SYS_pidfd_getfd, pidfd, gfd, 0);
	int e = errno;
	close(pidfd);
	if (guest < 0) return -e;
	fcntl(guest, F_SETFD, FD_CLOEXEC);
	if (connect(guest, (struct sockaddr *)&addr, addrlen) != 0) { e = errno; close(guest); return -e; }
	int local = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (local < 0) { e = errno; close(guest); return -e; }
	/* Small buffers, so that clearing EPOLLOUT needs little filling. */
	int small = 1;
	setsockopt(guest, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	setsockopt(local, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	struct vpoll *v = calloc(1, sizeof *v);
	if (!v) { close(guest); close(local); return -ENOMEM; }
	v->id = id;
	v->local = local;
	v->guest = guest;
	v->mask = EPOLLOUT; /* a fresh connected stream is writable */
	struct vpoll **slot = find(id);
	if (*slot) vpoll_close(id), slot = find(id);
	*slot = v;
	count++;
	apply(v, mask);
	return 0;
}

void vpoll_set(uint32_t id, uint32_t mask)
{
	struct vpoll *v = *find(id);
	if (v && !v->offered) apply(v, mask);
}

int vpoll_offer(uint32_t id, int *local, int *guest, uint32_t *mask)
{
	struct vpoll *v = *find(id);
	if (!v) return -ENOENT;
	v->offered = 1;
	*local = v->local;
	*guest = v->guest;
	*mask = v->mask;
	return 0;
}

void vpoll_keep(uint32_t id)
{
	struct vpoll *v = *find(id);
	if (v) v->offered = 0;
}

void vpoll_close(uint32_t id)
{
	struct vpoll **p = find(id);
	struct vpoll *v = *p;
	if (!v) return;
	*p = v->next;
	close(v->local);
	close(v->guest);
	free(v);
	count--;
}
