/* vustack: run a command with its socket() calls on another network stack
 * of the VM.
 *
 *   vustack PATH CMD [ARGS...]    the stack mounted at PATH
 *   vustack - CMD [ARGS...]       the host's network (the kernel)
 *
 * It asks vu through vu's management call (a system call number Linux does
 * not have: outside vu the kernel answers ENOSYS), then runs CMD; the
 * choice is inherited by CMD's children. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define VU_MGMT_NR 0x7675
#define VU_MGMT_STACK 1

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: vustack PATH|- CMD [ARGS...]\n");
		return 2;
	}
	const char *path = strcmp(argv[1], "-") == 0 ? "" : argv[1];
	if (syscall(VU_MGMT_NR, VU_MGMT_STACK, path) != 0) {
		if (errno == ENOSYS) fprintf(stderr, "vustack: not running inside vu\n");
		else if (errno == ENOENT) fprintf(stderr, "vustack: no network stack is mounted at %s\n", path);
		else fprintf(stderr, "vustack: %s: %s\n", path, strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "vustack: %s: %s\n", argv[2], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
