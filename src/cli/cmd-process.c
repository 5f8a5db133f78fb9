/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk process`: an audio file through gate, envelope, current, neuron and back to sound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spiketalk/audio.h"
#include "spiketalk/output.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/figure.h"
#include "spiketalk/plot.h"
#include "spiketalk/report.h"
#include "spiketalk/trace.h"

typedef struct opts {
    cli_pipe_opts p;          /* the stage and neuron flags, shared with `live` */
    const char *in, *out, *trace, *spikes, *plot, *block, *max_memory;
    bool json, pcm16, quiet;
} opts;

static void help(FILE *f)
{
    fputs(
        "usage: spiketalk process IN [-o OUT.wav] [OPTIONS]\n"
        "\n"
        "Lets a model neuron answer a sound file: the sound is gated, rectified, turned into an\n"
        "envelope, scaled into an input current that drives the neuron, and the neuron's\n"
        "membrane potential becomes the sound written to OUT.wav. 1 s of audio is 1000 ms of\n"
        "model time; by default the neuron takes one step per audio sample (dt = 1000/fs ms).\n"
        "\n"
        "Input: any file libsndfile reads (WAV, FLAC, OGG, AIFF; 8/16/24/32-bit integer or\n"
        "float; any rate). Several channels are mixed to mono by averaging them.\n"
        "Output: -o OUT.wav (default: IN's name with '-response.wav'), 32-bit float WAV at the\n"
        "input's rate, or 16-bit PCM with --pcm16. The input is never overwritten.\n"
        "\n"
        "Stages (defaults are the 'default' recipe):\n"
        "  --gate MODE          noise gate, |x| <= threshold becomes 0:            [adaptive]\n"
        "                       adaptive   K * the noise floor, followed as the room changes\n"
        "                                  (minimum statistics over 1.5 s: a take may start\n"
        "                                  on a word, a door slam is forgotten)\n"
        "                       leading    K * std of the leading window (the study's gate;\n"
        "                                  a stream is silent while it learns)\n"
        "                       fixed:T    the threshold T (full scale 1)\n"
        "                       off        no gate\n"
        "                       (adaptive and leading thresholds are at least 1e-4)\n"
        "  --gate-k K           K for adaptive and leading                          [3]\n"
        "  --gate-window S      the leading window, s                              [0.1]\n"
        "  --gate-thr T         the same as --gate fixed:T\n"
        "  --rectify MODE       none | full (|x|) | half (max(x,0)) | offset (x - min x)  [full]\n"
        "  --envelope MODE      hilbert (|analytic signal|) | movavg (mean over fs/100\n"
        "                       samples) | none                                     [movavg]\n"
        "  --smooth N           boxcar mean over N samples after the envelope     [20 ms]\n"
        "  --gain G             I = G * env / ref, in the model's current unit: [10] for\n"
        "                       izhikevich, [300] pA for izh2007, [20] uA/cm2 for hh\n"
        "  --normalize MODE     max (ref = max env: the loudest moment gives G) | none (ref 1)\n"
        "                       | peak (ref = a peak-hold of env, --block only)\n"
        "                       [max; peak with --block]; silence gives I = 0\n"
        "  --peak-release S     how fast the peak-hold forgets a loud moment: its time\n"
        "                       constant, s (--block with --normalize peak)        [2]\n"
        "Neuron:\n"
        "  --model NAME         izhikevich | izh2007 | hh (Hodgkin-Huxley)          [izhikevich]\n"
        "  --preset NAME        a cell type or 2004 feature (spiketalk presets)    [FS]\n"
        "  --integrator NAME    study | euler | symplectic | izh2003 | rk4  [study for the\n"
        "                       study's seven cells, symplectic for the others]\n"
        "  --decimate K         one neuron step every K samples                    [1]\n"
        "  --dt MS              the neuron's step                         [K * 1000 / fs]\n"
        "  --v0 MV, --u0 U      initial state; --PARAM VALUE sets a model parameter (--a ...)\n"
        "Sound:\n"
        "  --sonify MODE        membrane (v mapped to [-1,1] from the model's range, DC\n"
        "                       removed, soft-limited) | clicks (a 1 ms pulse per spike)\n"
        "Recipes:\n"
        "  --recipe NAME        a complete set of the settings above:\n",
        f);
    for (const char *const *r = st_recipe_names(); *r; r++)
        fprintf(f, "      %-18s %s\n", *r, st_recipe_help(*r));
    fputs("                       flags after --recipe still apply (e.g. --preset FS).\n"
          "Streaming:\n"
          "  --block N            run the streaming pipeline of `spiketalk live` instead, fed N\n"
          "                       samples at a time (any N >= 1; the result is the same for\n"
          "                       every N): causal stages only, so a leading gate is learned\n"
          "                       from the first window (silent meanwhile), hilbert is an\n"
          "                       89-tap FIR,\n"
          "                       the envelope lags the sound by a reported delay, and\n"
          "                       --normalize max and --rectify offset are refused\n"
          "Outputs (checked before the work starts; written whole or not at all):\n"
          "  --trace FILE.csv     t_ms,input,gated,rectified,envelope,I,v,u,output,\n"
          "                       gate_threshold per step\n"
          "                       (for hh, u is the potassium gate n)\n"
          "  --spikes FILE.csv    t_ms of each spike (model time = step index * dt)\n"
          "  --plot FILE          .png/.svg/.pdf: raw, rectified and envelope over time, then v\n"
          "                       with I on a twin axis\n"
          "  --json               one JSON object on stdout (spikes, rates, settings)\n"
          "  --quiet              no progress or summary on stderr/stdout (except --json)\n"
          "Limits (checked once the input is read, before the work):\n"
          "  --max-memory SIZE    refuse a run that needs more memory than this (e.g. 512M, 4G)\n"
          "                       [half the physical memory]; the outputs' sizes are checked\n"
          "                       against the free space of their file systems; a --smooth or\n"
          "                       --gate-window longer than the input is refused\n"
          "\n"
          "Examples:\n"
          "  spiketalk process data/demo-voice.wav -o reply.wav --plot reply.png\n"
          "  spiketalk process take.wav --preset RS --sonify clicks -o clicks.wav\n"
          "  spiketalk process take.wav --recipe seed-hilbert --preset IB --json\n"
          "  spiketalk process take.wav --block 64 --json   (what `spiketalk live` would say)\n",
          f);
}

/* The input file, or --NAME VALUE for a model parameter (checked later). */
static int other_arg(void *ud, int argc, char **argv, int *i)
{
    opts *o = ud;
    if (argv[*i][0] != '-' && !o->in) {
        o->in = argv[*i];
        return CLI_OK;
    }
    return cli_pipe_param(&o->p, argc, argv, i, "process");
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    cli_opt table[10 + CLI_PIPE_N_OPTS] = {
        {"-o", &o->out, NULL},          {"--output", &o->out, NULL},
        {"--trace", &o->trace, NULL},   {"--spikes", &o->spikes, NULL},
        {"--plot", &o->plot, NULL},     {"--block", &o->block, NULL},
        {"--json", NULL, &o->json},     {"--pcm16", NULL, &o->pcm16},
        {"--quiet", NULL, &o->quiet},   {"--max-memory", &o->max_memory, NULL}};
    size_t n = 10;
    cli_pipe_table(&o->p, table, &n);
    int rc = cli_parse(argc, argv, table, n, "process", help, other_arg, o);
    if (!rc && !o->in) {
        cli_error("process: no input file (usage: spiketalk process IN [-o OUT.wav])");
        return CLI_USAGE;
    }
    return rc;
}

/* ---- configuration --------------------------------------------------------------------------- */

/* The configuration: offline from the flags, or with --block N the streaming one by the same
 * rules as `spiketalk live`. */
static int configure(const opts *o, st_pipeline_config *c)
{
    size_t block = 0;
    if (o->block) {
        double x;
        if (!cli_number("--block", o->block, &x))
            return CLI_USAGE;
        if (!(x >= 1 && x <= 1e9 && x == floor(x))) {
            cli_error("--block: must be a whole number >= 1 (got %s)", o->block);
            return CLI_USAGE;
        }
        block = (size_t)x;
    }
    int rc = cli_pipe_config(&o->p, block > 0, c);
    c->block = block;
    return rc;
}

/* ---- outputs --------------------------------------------------------------------------------- */

static char *default_output(const char *in)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *out = malloc(n + 16);
    if (out)
        snprintf(out, n + 16, "%.*s-response.wav", (int)n, base);
    return out;
}

/* Every output checked before the work, none the input or another output (cli-output.c). */
static int check_outputs(const opts *o, const char *out)
{
    int rc;
    if ((rc = cli_outputs_input("input", o->in)) ||
        (rc = cli_outputs_add(o->out ? "-o" : "output", out, CLI_OUT_WAV, 0)) ||
        (rc = cli_outputs_add("--trace", o->trace, CLI_OUT_FILE, 0)) ||
        (rc = cli_outputs_add("--spikes", o->spikes, CLI_OUT_FILE, 0)) ||
        (rc = cli_outputs_add("--plot", o->plot, CLI_OUT_PLOT, 0)))
        return rc;
    return cli_outputs_check_space();
}

/* The study's two figures in one image (figure.h). */
static int write_plot(const char *path, const opts *o, const st_pipeline_config *c,
                      const st_pipeline_result *r)
{
    st_figure *f = NULL;
    st_error err = {0};
    st_status built = st_figure_process(c, r, o->in, &f, &err);
    return cli_save_figure(built, f, path, &err);
}

static void print_json(const opts *o, const char *out, const st_audio *in,
                       const st_pipeline_config *c, const st_pipeline_result *r)
{
    st_json j;
    st_json_init(&j, stdout);
    st_json_object_begin(&j, NULL);
    st_json_string(&j, "input", o->in);
    st_json_string(&j, "input_format", in->format);
    st_json_uint(&j, "input_channels", (uint64_t)in->channels);
    st_json_number(&j, "input_rate_hz", r->fs_hz);
    st_json_uint(&j, "input_samples", r->n);
    st_json_number(&j, "duration_s", (double)r->n / r->fs_hz);
    st_json_string(&j, "output", out);
    st_report_pipeline(&j, c, r);
    st_json_object_end(&j);
}

/* Progress with the time left on stderr for long files, only when a person watches. */
static void progress(void *ud, double f)
{
    cli_progress *p = ud;
    cli_progress_update(p, f * p->total);
}

/* The input known: windows no longer than it, the memory within the limit, the outputs' sizes
 * within the free space. */
static int check_run(const opts *o, const char *out, const st_pipeline_config *c,
                     const st_audio *in)
{
    const double fs = in->fs_hz;
    double smooth = c->smooth_n ? (double)c->smooth_n : round(c->smooth_s * fs);
    double gate_window = c->gate_window_n ? (double)c->gate_window_n
                                          : round(c->gate_window_s * fs);
    int rc;
    if (o->p.smooth && (rc = cli_window_check("--smooth", smooth, in->n, fs)))
        return rc;
    if (o->p.gate_window && c->gate == ST_GATE_LEADING &&
        (rc = cli_window_check("--gate-window", gate_window, in->n, fs)))
        return rc;
    uint64_t need = cli_pipeline_memory(c, in->n, fs, c->keep_taps, c->mode == ST_RUN_STREAM
                                                                        ? c->block : 0);
    if ((rc = cli_memory_check(o->in, "the run", need)))
        return rc;
    double steps = c->mode == ST_RUN_WHOLE ? ceil((double)in->n / c->decimate) : (double)in->n;
    cli_outputs_expect(out, 64 + (uint64_t)in->n * (o->pcm16 ? 2u : 4u));
    if (o->trace)
        cli_outputs_expect(o->trace, cli_csv_bytes(steps + 1, 10));
    return cli_outputs_check_space();
}

static int run(const opts *o, const char *out)
{
    st_pipeline_config c;
    int rc = configure(o, &c);
    /* the least any run needs, before the output set is made */
    if (rc || (rc = cli_memory_check(o->in, "the run", st_pipeline_memory(&c, 0, 1.0))) ||
        (rc = check_outputs(o, out)))
        return rc;
    c.keep_taps = o->trace || o->plot; /* otherwise only the output and the spikes are kept */
    st_audio in;
    st_error err = {0};
    if (st_audio_read(o->in, &in, &err))
        return cli_report(&err);
    if (st_pipeline_check(&c, in.fs_hz, &err)) {
        st_audio_free(&in);
        return cli_report(&err);
    }
    if ((rc = check_run(o, out, &c, &in))) {
        st_audio_free(&in);
        return rc;
    }
    cli_progress meter;
    cli_progress_start(&meter, "process", "samples", (double)in.n, o->quiet);
    st_pipeline_result r;
    st_status st = st_pipeline_run(&c, in.x, in.n, in.fs_hz, &r, progress, &meter, &err);
    cli_progress_end(&meter);
    if (st) {
        st_audio_free(&in);
        return cli_report(&err);
    }
    const char *out_tmp = cli_outputs_temp(out); /* renamed with the other outputs */
    if (!out_tmp)
        rc = CLI_FAIL;
    else if (st_audio_write(out_tmp, r.output, r.n, r.fs_hz,
                            o->pcm16 ? ST_WAV_PCM16 : ST_WAV_FLOAT32, o->in, &err)) {
        cli_outputs_fix_message(&err);
        rc = cli_report(&err);
    }
    if (!rc && o->trace) {
        FILE *f = cli_outputs_open(o->trace); /* committed with the other outputs */
        if (!f)
            rc = CLI_FAIL;
        else if (st_trace_pipeline_write(f, o->trace, &r, &err))
            rc = cli_report(&err);
    }
    if (!rc && o->spikes) {
        FILE *f = cli_outputs_open(o->spikes);
        if (!f)
            rc = CLI_FAIL;
        else
            st_trace_spikes_write(f, &r);
    }
    if (!rc && o->plot)
        rc = write_plot(o->plot, o, &c, &r);
    if (!rc)
        rc = cli_outputs_commit(); /* all of them, or none */
    if (!rc && o->json)
        print_json(o, out, &in, &c, &r);
    else if (!rc && !o->quiet && c.mode == ST_RUN_STREAM)
        printf("%s: %.2f s at %g Hz -> %zu spikes (%s neuron, %s envelope, gate %.4g, "
               "blocks of %zu, envelope delay %.3g ms) -> %s\n",
               o->in, (double)r.n / r.fs_hz, r.fs_hz, r.spikes.count, c.preset,
               st_envelope_name(c.envelope), r.gate_threshold, r.block,
               1000.0 * (double)r.delay_samples / r.fs_hz, out);
    else if (!rc && !o->quiet)
        printf("%s: %.2f s at %g Hz -> %zu spikes (%s neuron, %s envelope, gate %.4g) -> %s\n",
               o->in, (double)r.n / r.fs_hz, r.fs_hz, r.spikes.count, c.preset,
               st_envelope_name(c.envelope), r.gate_threshold, out);
    st_pipeline_result_free(&r);
    st_audio_free(&in);
    return rc;
}

int cmd_process(int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (o.max_memory && (rc = cli_memory_option(o.max_memory)))
        return rc;
    char *def = o.out ? NULL : default_output(o.in);
    if (!o.out && !def) {
        cli_error("process: out of memory");
        return CLI_FAIL;
    }
    rc = run(&o, o.out ? o.out : def);
    free(def);
    return rc;
}
