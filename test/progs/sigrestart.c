/* sigrestart: a read() blocked on an empty pipe is interrupted by SIGALRM.
 * With SA_RESTART the kernel must restart it transparently (it later returns
 * the byte a helper child writes); without SA_RESTART it must fail with EINTR. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/wait.h>

static volatile sig_atomic_t ticks;
static int wfd;

static void on_alarm(int sig)
{
    ticks++;
    if (ticks == 30) {                  /* safety net: never hang forever */
        int e = errno;
        if (write(wfd, "!", 1) < 0) {}
        errno = e;
    }
}

static const char *ename(int e)
{
    switch (e) {
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    default: return "other";
    }
}

static void set_timer(long usec)        /* periodic, so a tick always lands in read() */
{
    struct itimerval it = { { 0, usec }, { 0, usec } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void run(const char *name, int flags, int with_writer)
{
    int p[2];
    char c;
    pipe(p);
    wfd = p[1];

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);

    pid_t pid = -1;
    fflush(stdout);
    if (with_writer && (pid = fork()) == 0) {
        usleep(400 * 1000);             /* well after the first 100 ms tick */
        if (write(p[1], "x", 1) < 0) {}
        _exit(0);
    }

    ticks = 0;
    set_timer(100 * 1000);
    ssize_t r = read(p[0], &c, 1);
    int e = errno;
    set_timer(0);
    int handled = ticks > 0;

    if (r < 0)
        printf("%s: read returned -1 errno=%s %s handler\n", name, ename(e),
               handled ? "after" : "without");
    else
        printf("%s: read returned %zd%s %s handler\n", name, r,
               r == 1 && c == '!' ? " (safety-net byte)" : "",
               handled ? "after" : "without");
    if (pid > 0)
        waitpid(pid, NULL, 0);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    run("restart", SA_RESTART, 1);
    run("norestart", 0, 0);
    return 0;
}
