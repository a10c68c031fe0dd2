#define _GNU_SOURCE
#include "fastpath.h"
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "fdset.h"

#define NONE 0xff
static struct vu_sysargs *systab;
static uint32_t systab_len;

static int sockets_to_core;
void fastpath_set_sockets(int on) { sockets_to_core = on; }

struct mount_name { char *name; size_t len; int prefix; };
static struct mount_name *mounts;
static int nmounts;

void fastpath_set_systab(const struct vu_sysargs *tab, uint32_t n)
{
	free(systab);
	systab = malloc(n * sizeof *systab + 1);
	memcpy(systab, tab, n * sizeof *systab);
	systab_len = n;
}

void fastpath_set_mounts(const char *body, uint32_t len)
{
	for (int i = 0; i < nmounts; i++) free(mounts[i].name);
	free(mounts);
	mounts = NULL;
	nmounts = 0;
	for (uint32_t off = 0; off + 1 < len;) {
		int prefix = body[off++];
		size_t n = strnlen(body + off, len - off);
		mounts = realloc(mounts, (size_t)(nmounts + 1) * sizeof *mounts);
		mounts[nmounts].name = strndup(body + off, n);
		mounts[nmounts].len = n;
		mounts[nmounts].prefix = prefix;
		nmounts++;
		off += (uint32_t)n + 1;
	}
}

/* Reads the guest's path string; page by page so that a string ending
 * just before an unmapped page still reads. 0 if unreadable. */
static int read_path(pid_t tid, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0;
	while (got < size - 1) {
		size_t page_left = 4096 - ((addr + got) & 4095);
		size_t want = page_left < size - 1 - got ? page_left : size - 1 - got;
		/* Most paths are short: a small first read copies less. */
		if (got == 0 && want > 256) want = 256;
		struct iovec l = { buf + got, want }, r = { (void *)(addr + got), want };
		ssize_t n = process_vm_readv(tid, &l, 1, &r, 1, 0);
		if (n <= 0) return 0;
		if (memchr(buf + got, 0, (size_t)n)) return 1;
		got += (size_t)n;
	}
	buf[size - 1] = 0;
	return 1;
}

static int name_is_mounted(const char *comp, size_t len)
{
	for (int i = 0; i < nmounts; i++) {
		if (len == mounts[i].len && memcmp(comp, mounts[i].name, len) == 0) return 1;
		if (mounts[i].prefix && len > mounts[i].len && memcmp(comp, mounts[i].name, mounts[i].len) == 0) return 1;
	}
	return 0;
}

/* May this path (relative to dirfd) lead to a mount? A component named
 * like a mount target (or a subdevice of it) or a symlink as the last
 * component send it to the core, which resolves it as the kernel would. */
static int path_may_be_virtual(struct thread *t, long dirfd, uint64_t addr)
{
	if (nmounts == 0 || addr == 0) return 0;
	char path[PATH_MAX];
	if (!read_path(t->tid, addr, path, sizeof path)) return 0; /* the kernel answers EFAULT */
	const char *last = NULL;
	size_t lastlen = 0;
	for (const char *p = path; *p;) {
		while (*p == '/') p++;
		if (!*p) break;
		const char *end = strchrnul(p, '/');
		if (name_is_mounted(p, (size_t)(end - p))) return 1;
		last = p;
		lastlen = (size_t)(end - p);
		p = end;
	}
	if (!last || (lastlen == 1 && last[0] == '.') || (lastlen == 2 && last[0] == '.' && last[1] == '.')) return 0;
	char full[PATH_MAX + 64];
	if (path[0] == '/') snprintf(full, sizeof full, "%s", path);
	else if ((int)dirfd == AT_FDCWD) snprintf(full, sizeof full, "/proc/%d/cwd/%s", t->tid, path);
	else snprintf(full, sizeof full, "/proc/%d/fd/%d/%s", t->tid, (int)dirfd, path);
	struct stat st;
	return fstatat(AT_FDCWD, full, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}


int fastpath_needs_core(struct thread *t, long nr, const uint64_t *args, unsigned cls)
{
	if (cls == CLS_MGMT) return 1;
	if (cls == CLS_SOCKET) return sockets_to_core;
	/* Another ABI (i386 int 0x80, x32): the core refuses it while
	 * anything is mounted, so it cannot go around the modules. */
	if (cls == CLS_OTHER) return nmounts > 0 || sockets_to_core;
	if (cls == CLS_NEVER || nr < 0 || (uint64_t)nr >= systab_len) return 0;
	const struct vu_sysargs *a = &systab[nr];
	if (nr == SYS_close_range) return fdset_any(t->fds, args[0], args[1]);
	if (a->fd != NONE && fdset_has(t->fds, (long)(int)args[a->fd])) return 1;
	if (a->fd2 != NONE && fdset_has(t->fds, (long)(int)args[a->fd2])) return 1;
	if (a->path != NONE) {
		long dirfd = (cls == CLS_AT && a->fd != NONE) ? (long)(int)args[a->fd] : AT_FDCWD;
		if (path_may_be_virtual(t, dirfd, args[a->path])) return 1;
	}
	if (a->path2 != NONE) {
		long dirfd = (cls == CLS_AT && a->fd2 != NONE) ? (long)(int)args[a->fd2] : AT_FDCWD;
		if (path_may_be_virtual(t, dirfd, args[a->path2])) return 1;
	}
	return 0;
}
