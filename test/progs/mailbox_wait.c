/* Reads one byte from a blocking virtual device (/dev/mbox, the example
 * mailbox module) while SIGALRM interrupts the read: without SA_RESTART the
 * read fails with EINTR, with it (argument "restart") the read resumes and
 * gets the byte a child writes later. Then poll and O_NONBLOCK on it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int hits;
static void on_alarm(int s) { (void)s; hits++; }

int main(int argc, char **argv)
{
	int restart = argc > 1 && strcmp(argv[1], "restart") == 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	if (restart) sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	int fd = open("/dev/mbox", O_RDWR);
	if (fd < 0) { perror("open"); return 1; }
	pid_t child = fork();
	if (child == 0) {
		usleep(800000);
		int w = open("/dev/mbox", O_WRONLY);
		if (write(w, "Z", 1) != 1) _exit(1);
		_exit(0);
	}
	ualarm(200000, 0);
	char c = '?';
	ssize_t n = read(fd, &c, 1);
	printf("%s: read=%zd errno=%s handler=%d\n", restart ? "restart" : "norestart", n, n < 0 && errno == EINTR ? "EINTR" : "-", hits);
	if (n < 0) n = read(fd, &c, 1);
	printf("byte=%c\n", n == 1 ? c : '?');
	struct pollfd p = { fd, POLLIN, 0 };
	printf("poll empty=%d\n", poll(&p, 1, 0));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	n = read(fd, &c, 1);
	printf("nonblocking read=%zd errno=%s\n", n, n < 0 && errno == EAGAIN ? "EAGAIN" : "-");
	waitpid(child, NULL, 0);
	return 0;
}
