// Cold start to the first answered call, measured without inflating it: this process takes the time,
// forks and execs the server, then tries to connect every millisecond (a refused connect on loopback
// costs microseconds, not a curl process) and, once connected, sends MakeHat and waits for its 200.
// It passes its start time to the server (TWIRP_COLDSTART_T0, CLOCK_MONOTONIC nanoseconds, the clock
// .NET's Stopwatch reads on Linux), so the server can print its own phases on the same time line.
//
//   coldstart [-k] <port> <server command...>
//   coldstart -x <command...>     (a command that exits: prints exit_ms, its time to exit)
//
// Prints "listening_ms=L answer_ms=A cpu_ms=C pid=P": C is the CPU time all the server's threads used
// up to the answer (more than A when they ran on both CPUs at once; it does not grow when other processes
// hold the CPUs, so it is the figure to compare on a shared machine). Without -k the server gets SIGTERM and is waited for;
// with -k it is left running (run.sh measures it under load next) and its pid is printed.
// Loopback only; gives up after 20 s.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// CPU time the server's threads have used so far (on-CPU nanoseconds from /proc/PID/task/*/schedstat):
// the cost of starting, apart from waiting for a CPU that other processes hold.
static long long cpu_ns(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *tasks = opendir(path);
    if (!tasks) return -1;
    long long total = 0;
    struct dirent *task;
    while ((task = readdir(tasks)) != NULL)
    {
        if (task->d_name[0] == '.') continue;
        char stat_path[300];
        snprintf(stat_path, sizeof stat_path, "/proc/%d/task/%s/schedstat", (int)pid, task->d_name);
        FILE *f = fopen(stat_path, "r");
        long long on_cpu;
        if (f && fscanf(f, "%lld", &on_cpu) == 1) total += on_cpu;
        if (f) fclose(f);
    }
    closedir(tasks);
    return total;
}

// MakeHat(Size{inches: 12}) in protobuf: field 1, varint 12.
static const char request[] =
    "POST /twirp/twirp.example.haberdasher.Haberdasher/MakeHat HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Content-Type: application/protobuf\r\n"
    "Content-Length: 2\r\n"
    "Connection: close\r\n"
    "\r\n"
    "\x08\x0c";

int main(int argc, char **argv)
{
    int keep = 0, to_exit = 0, arg = 1;
    if (arg < argc && strcmp(argv[arg], "-k") == 0) { keep = 1; arg++; }
    else if (arg < argc && strcmp(argv[arg], "-x") == 0) { to_exit = 1; arg++; }
    if (argc - arg < (to_exit ? 1 : 2)) { fprintf(stderr, "usage: coldstart [-k] <port> <server command...> | coldstart -x <command...>\n"); return 2; }
    int port = to_exit ? 0 : atoi(argv[arg++]);

    long long t0 = now_ns();
    char t0_text[32];
    snprintf(t0_text, sizeof t0_text, "%lld", t0);
    setenv("TWIRP_COLDSTART_T0", t0_text, 1);
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0)
    {
        execvp(argv[arg], argv + arg);
        perror("exec");
        _exit(127);
    }

    if (to_exit)
    {
        int status;
        waitpid(child, &status, 0);
        printf("exit_ms=%.1f\n", (now_ns() - t0) / 1e6);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }

    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    long long listening = -1, answered = -1;
    const long long give_up = t0 + 20000000000LL;
    while (answered < 0 && now_ns() < give_up)
    {
        int status;
        if (waitpid(child, &status, WNOHANG) == child) { fprintf(stderr, "the server exited before answering\n"); return 1; }
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&address, sizeof address) != 0)
        {
            close(s);
            struct timespec ms = { 0, 1000000 };
            nanosleep(&ms, NULL);
            continue;
        }
        if (listening < 0) listening = now_ns();
        int one = 1;
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (write(s, request, sizeof request - 1) == (ssize_t)(sizeof request - 1))
        {
            char answer[512];
            size_t have = 0;
            struct pollfd p = { .fd = s, .events = POLLIN };
            // The status line is all we need; the server answers before the 10 s are up or not at all.
            while (have < 12 && poll(&p, 1, 10000) == 1)
            {
                ssize_t n = read(s, answer + have, sizeof answer - 1 - have);
                if (n <= 0) break;
                have += (size_t)n;
            }
            if (have >= 12 && memcmp(answer, "HTTP/1.1 200", 12) == 0) answered = now_ns();
        }
        close(s);
    }
    if (answered < 0) { fprintf(stderr, "no answer within 20 s\n"); kill(child, SIGKILL); return 1; }
    long long cpu = cpu_ns(child);
    printf("listening_ms=%.1f answer_ms=%.1f cpu_ms=%.1f pid=%d\n", (listening - t0) / 1e6, (answered - t0) / 1e6, cpu / 1e6, (int)child);
    fflush(stdout);
    if (!keep)
    {
        // The server prints its phases just after answering: give it that moment before stopping it.
        struct timespec pause = { 0, 200000000 };
        nanosleep(&pause, NULL);
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
    }
    return 0;
}
