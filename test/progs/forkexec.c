/* forkexec N: N cycles of fork + execv("/bin/true") + waitpid.
 * Checks that exec after fork works every time and that each child's
 * wait status is a plain exit(0) (reaping, status reporting). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10;
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) { printf("forkexec: cycle %d: fork failed\n", i); return 1; }
        if (pid == 0) {
            char *args[] = { "true", NULL };
            execv("/bin/true", args);
            _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            printf("forkexec: cycle %d: bad status 0x%x\n", i, st);
            return 1;
        }
    }
    printf("forkexec: %d ok\n", n);
    return 0;
}
