/*
 * measure.c - run a command; record its wall time and peak memory.
 *
 *   bench/measure [-n N] FILE CMD [ARG...]
 *
 * Runs CMD (stdin, stdout and stderr inherited), then writes "SECONDS KIB"
 * to FILE: the elapsed wall-clock time and the largest resident set of CMD
 * or any process it waited for.  With -n, runs CMD N times one after the
 * other (for commands that take milliseconds) and writes the mean time;
 * it stops at the first run that fails.  Exits with CMD's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int status = 0;
	long n = 1, i;

	if (argc > 2 && argv[1][0] == '-' && argv[1][1] == 'n') {
		n = strtol(argv[2], NULL, 10);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || n < 1) {
		fprintf(stderr, "usage: bench/measure [-n N] FILE CMD [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if ((pid = fork()) < 0) {
			perror("measure: fork");
			return 1;
		}
		if (pid == 0) {
			execvp(argv[2], argv + 2);
			perror(argv[2]);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0) {
			perror("measure: wait");
			return 1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &ru);
	if ((f = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	fprintf(f, "%.6f %ld\n", ((double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9) / (double)n, ru.ru_maxrss);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
