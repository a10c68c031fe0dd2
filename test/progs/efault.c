/* efault: passes bad user pointers ((void *)1 and an unmapped page) to many
 * system calls, made raw via syscall(2).  Each must fail with EFAULT, touch
 * nothing else (pipe data stays unread, no fd is leaked), and not crash. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e)
{
    switch (e) {
    case EFAULT: return "EFAULT";   case EINVAL: return "EINVAL";
    case ENOENT: return "ENOENT";   case EBADF: return "EBADF";
    case ERANGE: return "ERANGE";   case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";   case EPERM: return "EPERM";
    case EACCES: return "EACCES";   case ENOSYS: return "ENOSYS";
    case ENOTDIR: return "ENOTDIR"; case ENAMETOOLONG: return "ENAMETOOLONG";
    case ECHILD: return "ECHILD";   case ENOMEM: return "ENOMEM";
    case EISDIR: return "EISDIR";   case ESRCH: return "ESRCH";
    default: return "other";
    }
}

static void show(const char *name, const char *which, long r)
{
    if (r == -1) printf("%s [%s]: ret=-1 errno=%s\n", name, which, ename(errno));
    else printf("%s [%s]: ret=%ld\n", name, which, r);
}

int main(void)
{
    int p[2], fd_probe;
    struct stat st;
    struct statx stx;
    char buf[64];

    printf("efault: start\n");          /* allocates stdout's buffer before the hole is made */
    fflush(stdout);
    if (pipe(p) < 0) return 1;
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 3 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(m + pg, pg);                 /* unmapped page between two PROT_NONE pages */
    fd_probe = dup(p[0]);   /* lowest free fd, to detect leaks */
    close(fd_probe);

    struct { const char *which; void *bad; } ptrs[] = { { "low", (void *)1 }, { "unmapped", m + pg } };
    char *const noargs[] = { NULL };
    for (int i = 0; i < 2; i++) {
        const char *w = ptrs[i].which;
        void *bad = ptrs[i].bad;
        if (write(p[1], "0123456789", 10) != 10) return 1;
        show("read", w, syscall(SYS_read, p[0], bad, 10));
        show("write", w, syscall(SYS_write, p[1], bad, 10));
        show("open", w, syscall(SYS_open, bad, O_RDONLY));
        show("openat", w, syscall(SYS_openat, AT_FDCWD, bad, 0));
        show("stat", w, syscall(SYS_stat, bad, &st));
        show("lstat", w, syscall(SYS_lstat, bad, &st));
        show("fstat", w, syscall(SYS_fstat, p[0], bad));
        show("newfstatat", w, syscall(SYS_newfstatat, AT_FDCWD, ".", bad, 0));
        show("statx-path", w, syscall(SYS_statx, AT_FDCWD, bad, 0, STATX_BASIC_STATS, &stx));
        show("statx-buf", w, syscall(SYS_statx, AT_FDCWD, ".", 0, STATX_BASIC_STATS, bad));
        show("access", w, syscall(SYS_access, bad, F_OK));
        show("chdir", w, syscall(SYS_chdir, bad));
        show("getcwd", w, syscall(SYS_getcwd, bad, 4096));
        show("readlink-buf", w, syscall(SYS_readlink, "/proc/self/exe", bad, 100));
        show("readlink-path", w, syscall(SYS_readlink, bad, buf, sizeof buf));
        show("clock_gettime", w, syscall(SYS_clock_gettime, CLOCK_REALTIME, bad));
        show("gettimeofday", w, syscall(SYS_gettimeofday, bad, NULL));
        show("nanosleep", w, syscall(SYS_nanosleep, bad, NULL));
        show("uname", w, syscall(SYS_uname, bad));
        show("sysinfo", w, syscall(SYS_sysinfo, bad));
        show("getrlimit", w, syscall(SYS_getrlimit, RLIMIT_NOFILE, bad));
        show("pipe", w, syscall(SYS_pipe, bad));
        show("pipe2", w, syscall(SYS_pipe2, bad, O_CLOEXEC));
        show("socketpair", w, syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, bad));
        show("poll", w, syscall(SYS_poll, bad, 1, 0));
        show("rt_sigaction", w, syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
        show("rt_sigprocmask", w, syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
        show("getrandom", w, syscall(SYS_getrandom, bad, 10, 0));
        show("execve", w, syscall(SYS_execve, bad, noargs, noargs));
    }

    /* Side effects: the failed reads consumed nothing; no fd leaked. */
    int n = read(p[0], buf, sizeof buf);
    printf("pipe still holds %d bytes\n", n);
    int fd_after = dup(p[0]);
    printf("fd leak: %s\n", fd_after == fd_probe ? "none" : "yes");
    return 0;
}
