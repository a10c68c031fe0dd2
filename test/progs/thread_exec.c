/* thread_exec: a non-main thread calls execv while the main thread is in
 * pthread_join and the other threads sleep.  The kernel must kill the other
 * threads, make the exec'ing thread the leader, and run the new image. */
#include <stdio.h>
#include <pthread.h>
#include <unistd.h>

#define NTHREADS 4
#define EXECER   2

static pthread_barrier_t barrier;

static void *worker(void *arg)
{
    long id = (long)arg;
    pthread_barrier_wait(&barrier);
    if (id == EXECER) {
        usleep(100 * 1000);          /* let the others block */
        char *args[] = { "echo", "exec-from-thread", NULL };
        execv("/bin/echo", args);
        printf("execv failed\n");
        _exit(1);
    }
    sleep(30);
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];
    pthread_barrier_init(&barrier, NULL, NTHREADS);
    for (long i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_join(t[0], NULL);
    printf("main: exec did not happen\n");
    return 1;
}
