/* thread_exit_orders: runs several thread-exit orderings, each in a forked
 * child, and prints the child's wait status.  Checks the kernel's rules for
 * when a thread group dies and which exit code its parent sees. */
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define N 3
static pthread_t t[N];
static pthread_barrier_t barrier;
static int remaining = N;

static void start(void *(*fn)(void *))
{
    pthread_barrier_init(&barrier, NULL, N + 1);
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], NULL, fn, (void *)i);
    pthread_barrier_wait(&barrier);     /* all ids in t[] are set */
}

/* 1: threads return; main joins them, then returns 11. */
static void *quick(void *a) { pthread_barrier_wait(&barrier); return NULL; }
static void case_threads_first(void)
{
    start(quick);
    for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
    exit(11);
}

/* 2: main pthread_exits while threads run; the last thread calls exit(0). */
static void *lingering(void *a)
{
    pthread_barrier_wait(&barrier);
    usleep(20000 * (1 + (long)a));
    if (__atomic_sub_fetch(&remaining, 1, __ATOMIC_SEQ_CST) == 0)
        exit(0);
    return NULL;
}
static void case_main_pthread_exit(void) { start(lingering); pthread_exit(NULL); }

/* 3: thread i waits for thread i+1 to end, so they exit in reverse order. */
static void *chained(void *a)
{
    long i = (long)a;
    pthread_barrier_wait(&barrier);
    if (i + 1 < N) pthread_join(t[i + 1], NULL);
    else usleep(20000);
    return NULL;
}
static void case_reverse(void) { start(chained); pthread_join(t[0], NULL); exit(13); }

/* 4: one thread calls exit(3) (exit_group) while the others are blocked. */
static void *exiter(void *a)
{
    pthread_barrier_wait(&barrier);
    if ((long)a == 1) { usleep(50000); exit(3); }
    sleep(30);
    return NULL;
}
static void case_exit_group(void) { start(exiter); pthread_join(t[0], NULL); exit(99); }

/* 5: every thread uses raw SYS_exit: main (the leader) first with 6, the
 * others later with 2.  Which code the parent sees depends on the kernel
 * (6.18 reports the last thread's, 2); it must just match native. */
static void *raw_exit(void *a)
{
    pthread_barrier_wait(&barrier);
    usleep(20000 * (1 + (long)a));
    syscall(SYS_exit, 2);
    return NULL;
}
static void case_raw_exit(void) { start(raw_exit); syscall(SYS_exit, 6); }

static const struct { const char *name; void (*fn)(void); } cases[] = {
    { "threads-exit-before-main", case_threads_first },
    { "main-pthread_exit-last-thread-exit0", case_main_pthread_exit },
    { "reverse-creation-order", case_reverse },
    { "exit_group-from-thread", case_exit_group },
    { "all-raw-SYS_exit-leader-first", case_raw_exit },
};

int main(void)
{
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) { cases[i].fn(); _exit(98); }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) != pid) { printf("%s: wait failed\n", cases[i].name); return 1; }
        if (WIFEXITED(st)) printf("%s: exit %d\n", cases[i].name, WEXITSTATUS(st));
        else if (WIFSIGNALED(st)) printf("%s: signal %d\n", cases[i].name, WTERMSIG(st));
        else printf("%s: status 0x%x\n", cases[i].name, st);
    }
    return 0;
}
