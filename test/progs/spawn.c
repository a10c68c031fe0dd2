/* spawn: vfork+execv, posix_spawn and vfork+_exit.
 * Checks that a vfork child can exec (parent resumes after exec) or _exit
 * (parent resumes after exit), and that exit statuses are reported right. */
#include <stdio.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;

static void report(const char *step, int st)
{
    if (WIFEXITED(st)) printf("%s: exit %d\n", step, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: signal %d\n", step, WTERMSIG(st));
    else printf("%s: status 0x%x\n", step, st);
    fflush(stdout);
}

int main(void)
{
    int st;
    pid_t pid;

    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        char *args[] = { "echo", "from-vfork", NULL };
        execv("/bin/echo", args);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid) { printf("vfork-exec: failed\n"); return 1; }
    report("vfork-exec", st);

    char *sh[] = { "sh", "-c", "exit 3", NULL };
    if (posix_spawn(&pid, "/bin/sh", NULL, NULL, sh, environ) != 0 ||
        waitpid(pid, &st, 0) != pid) { printf("posix_spawn: failed\n"); return 1; }
    report("posix_spawn", st);

    pid = vfork();
    if (pid == 0)
        _exit(5);
    if (pid < 0 || waitpid(pid, &st, 0) != pid) { printf("vfork-exit: failed\n"); return 1; }
    report("vfork-exit", st);
    return 0;
}
