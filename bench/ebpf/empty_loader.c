// Loads an object and attaches every program (libbpf), then waits until it is told to stop: the "empty
// programs on the same hooks" of bench/ebpf-overhead.sh, the floor any tracepoint tracer pays.
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s OBJECT\n", argv[0]); return 2; }
    struct bpf_object *o = bpf_object__open_file(argv[1], NULL);
    if (!o || bpf_object__load(o)) { fprintf(stderr, "cannot load %s\n", argv[1]); return 1; }
    struct bpf_program *p;
    int n = 0;
    bpf_object__for_each_program(p, o) {
        if (!bpf_program__attach(p)) { fprintf(stderr, "cannot attach %s\n", bpf_program__name(p)); return 1; }
        n++;
    }
    printf("attached %d\n", n);
    fflush(stdout);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stop) pause();
    bpf_object__close(o);
    return 0;
}
