/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk process`: an audio file through gate, envelope, current, neuron and back to sound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spiketalk/audio.h"
#include "spiketalk/output.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/plot.h"
#include "spiketalk/stream.h"

typedef struct opts {
    cli_pipe_opts p;          /* the stage and neuron flags, shared with `live` */
    const char *in, *out, *trace, *spikes, *plot, *block;
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
        "  --gate on|off        noise gate: |x| <= threshold becomes 0             [on]\n"
        "  --gate-k K           threshold = K * std of the leading window          [3]\n"
        "  --gate-window S      leading window, s                                  [0.1]\n"
        "  --gate-thr T         a fixed threshold instead (full scale 1)\n"
        "                       (the threshold is at least 1e-4, so digital silence gates)\n"
        "  --rectify MODE       none | full (|x|) | half (max(x,0)) | offset (x - min x)  [none]\n"
        "  --envelope MODE      hilbert (|analytic signal|) | movavg (mean over fs/100\n"
        "                       samples) | none                                    [hilbert]\n"
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
        "  --integrator NAME    euler | symplectic | izh2003 | rk4                 [symplectic]\n"
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
          "                       every N): causal stages only, so the gate is learned from\n"
          "                       the first window (silent meanwhile), hilbert is an 89-tap FIR,\n"
          "                       the envelope lags the sound by a reported delay, and\n"
          "                       --normalize max and --rectify offset are refused\n"
          "Outputs (checked before the work starts; written whole or not at all):\n"
          "  --trace FILE.csv     t_ms,input,gated,rectified,envelope,I,v,u,output per step\n"
          "                       (for hh, u is the potassium gate n)\n"
          "  --spikes FILE.csv    t_ms of each spike (model time = step index * dt)\n"
          "  --plot FILE          .png/.svg/.pdf: raw, rectified and envelope over time, then v\n"
          "                       with I on a twin axis\n"
          "  --json               one JSON object on stdout (spikes, rates, settings)\n"
          "  --quiet              no progress or summary on stderr/stdout (except --json)\n"
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
    cli_opt table[9 + CLI_PIPE_N_OPTS] = {
        {"-o", &o->out, NULL},          {"--output", &o->out, NULL},
        {"--trace", &o->trace, NULL},   {"--spikes", &o->spikes, NULL},
        {"--plot", &o->plot, NULL},     {"--block", &o->block, NULL},
        {"--json", NULL, &o->json},     {"--pcm16", NULL, &o->pcm16},
        {"--quiet", NULL, &o->quiet}};
    size_t n = 9;
    cli_pipe_table(&o->p, table, &n);
    int rc = cli_parse(argc, argv, table, n, "process", help, other_arg, o);
    if (!rc && !o->in) {
        cli_error("process: no input file (usage: spiketalk process IN [-o OUT.wav])");
        return CLI_USAGE;
    }
    return rc;
}

/* ---- configuration ---------------------------------------------------------------------- */

/* The configuration: offline from the flags, or with --block N the streaming one by the same
 * rules as `spiketalk live` ('block' stays 0 without --block). */
static int configure(const opts *o, st_pipeline_config *c, st_stream_config *sc, size_t *block)
{
    *block = 0;
    if (!o->block)
        return cli_pipe_config(&o->p, c);
    double x;
    if (!cli_number("--block", o->block, &x))
        return CLI_USAGE;
    if (!(x >= 1 && x <= 1e9 && x == floor(x))) {
        cli_error("--block: must be a whole number >= 1 (got %s)", o->block);
        return CLI_USAGE;
    }
    *block = (size_t)x;
    int rc = cli_pipe_stream_config(&o->p, "--block", sc);
    if (!rc)
        *c = sc->pipe;
    return rc;
}

/* ---- outputs ----------------------------------------------------------------------------- */

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

static int write_trace(const char *path, const st_pipeline_result *r)
{
    st_outfile of = {.f = cli_outputs_open(path)}; /* committed with the other outputs */
    if (!of.f)
        return CLI_FAIL;
    fputs("t_ms,input,gated,rectified,envelope,I,v,u,output\n", of.f);
    for (size_t k = 0; k < r->steps; k++) {
        size_t s = st_pipeline_sample(r, k);
        double row[9] = {(double)k * r->dt_ms, r->input[s], r->gated[s], r->rectified[s],
                         r->envelope[s], r->current[k], r->v[k], r->u[k], r->output[s]};
        st_csv_row(of.f, row, 9);
    }
    return CLI_OK;
}

static int write_spikes(const char *path, const st_pipeline_result *r)
{
    st_outfile of = {.f = cli_outputs_open(path)}; /* committed with the other outputs */
    if (!of.f)
        return CLI_FAIL;
    fputs("t_ms\n", of.f);
    for (size_t i = 0; i < r->spikes.count; i++)
        fprintf(of.f, "%.12g\n", (double)r->spikes.step[i] * r->dt_ms);
    return CLI_OK;
}

/* The study's two figures in one image: the sound stages, then the neuron. */
static int write_plot(const char *path, const opts *o, const st_pipeline_config *c,
                      const st_pipeline_result *r)
{
    double dt_s = 1.0 / r->fs_hz;
    st_plot_series a[3] = {
        {.y = NULL, .n = r->n, .x0 = 0, .dx = dt_s, .label = "raw", .color = ST_RGB_PURPLE},
        {.y = NULL, .n = r->n, .x0 = 0, .dx = dt_s, .label = "rectified",
         .color = ST_RGB_ORANGE},
        {.y = NULL, .n = r->n, .x0 = 0, .dx = dt_s, .label = "envelope", .color = ST_RGB_BLACK,
         .line_width = 1.6}};
    double *buf = malloc(3 * r->n * sizeof *buf);
    double *vd = malloc(2 * r->steps * sizeof *vd), *Id = vd + r->steps;
    if (!buf || !vd) {
        free(buf);
        free(vd);
        cli_error("--plot: out of memory");
        return CLI_FAIL;
    }
    for (size_t i = 0; i < r->n; i++) {
        buf[i] = r->input[i];
        buf[r->n + i] = r->rectified[i];
        buf[2 * r->n + i] = r->envelope[i];
    }
    a[0].y = buf;
    a[1].y = buf + r->n;
    a[2].y = buf + 2 * r->n;
    double vpeak = c->model->vpeak(&c->params);
    for (size_t k = 0; k < r->steps; k++) {
        vd[k] = r->v[k];
        Id[k] = r->current[k];
    }
    for (size_t i = 0; i < r->spikes.count && !isnan(vpeak); i++)
        if (r->spikes.step[i] < r->steps)
            vd[r->spikes.step[i]] = vpeak; /* spikes drawn to the peak */
    st_plot_series b[2] = {
        {.y = vd, .n = r->steps, .x0 = 0, .dx = r->dt_ms, .label = "v (membrane potential)",
         .color = ST_RGB_BLUE, .axis = ST_AXIS_LEFT},
        {.y = Id, .n = r->steps, .x0 = 0, .dx = r->dt_ms, .label = "I (input current)",
         .color = ST_RGB_BLACK, .axis = ST_AXIS_RIGHT}};
    st_plot_panel p[2];
    char t1[256], t2[256], y2[64];
    const char *base = strrchr(o->in, '/');
    snprintf(t1, sizeof t1, "%s: raw, rectified (%s) and envelope (%s)", base ? base + 1 : o->in,
             st_rectify_name(c->rectify), st_envelope_name(c->envelope));
    snprintf(t2, sizeof t2, "%s neuron (%s): %zu spikes, dt %.4g ms", cli_pipe_neuron_name(&o->p),
             c->model->name, r->spikes.count, r->dt_ms);
    snprintf(y2, sizeof y2, "input current I (%s)",
             c->model->current_unit[0] ? c->model->current_unit : "dimensionless");
    st_plot_panel_init(&p[0]);
    p[0].title = t1;
    p[0].xlabel = "time (s)";
    p[0].ylabel = "amplitude (full scale 1)";
    p[0].xmin = 0;
    p[0].xmax = (double)r->n / r->fs_hz;
    if (c->rectify == ST_RECT_NONE) { /* 'rectified' is the raw signal: draw it once */
        a[1] = a[2];
    }
    p[0].series = a;
    p[0].n_series = c->rectify == ST_RECT_NONE ? 2 : 3;
    st_plot_panel_init(&p[1]);
    p[1].title = t2;
    p[1].xlabel = "model time (ms)";
    p[1].ylabel = "membrane potential v (mV)";
    p[1].y2label = y2;
    p[1].xmin = 0;
    p[1].xmax = (double)r->steps * r->dt_ms;
    p[1].ymin = c->model->v_min_mv;
    p[1].ymax = c->model->v_max_mv;
    p[1].series = b;
    p[1].n_series = 2;
    st_plot_figure fig = {.panels = p, .n_panels = 2, .rows = 2, .cols = 1, .width = 1200,
                          .height = 850};
    st_error err = {0};
    st_status st = cli_plot_save(&fig, path, &err);
    free(buf);
    free(vd);
    return st ? cli_report(&err) : CLI_OK;
}

static void print_json(const opts *o, const char *out, const st_audio *in,
                       const st_pipeline_config *c, const st_pipeline_result *r,
                       const st_stream_config *sc, size_t block, size_t delay)
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
    st_json_string(&j, "recipe", o->p.recipe ? o->p.recipe : "default");
    st_json_object_begin(&j, "gate");
    st_json_bool(&j, "on", c->gate_on);
    st_json_number(&j, "threshold", r->gate_threshold);
    st_json_number(&j, "k", c->gate_k);
    st_json_number(&j, "window_s", c->gate_window_n ? (double)c->gate_window_n / r->fs_hz
                                                    : c->gate_window_s);
    st_json_object_end(&j);
    st_json_string(&j, "rectify", st_rectify_name(c->rectify));
    st_json_string(&j, "envelope", st_envelope_name(c->envelope));
    size_t sm = c->smooth_n ? c->smooth_n : (size_t)llround(c->smooth_s * r->fs_hz);
    st_json_uint(&j, "smooth_samples", sm > 1 ? sm : 0);
    st_json_number(&j, "gain", c->gain);
    st_json_string(&j, "normalize", st_norm_name(c->normalize));
    st_json_number(&j, "envelope_ref", r->env_ref);
    if (block) {
        if (c->normalize == ST_NORM_PEAK) {
            st_json_number(&j, "peak_release_s", sc->peak_release_s);
            st_json_number(&j, "peak_floor", sc->peak_floor);
        }
        st_json_uint(&j, "block", block);
        st_json_uint(&j, "algorithmic_delay_samples", delay);
        st_json_number(&j, "algorithmic_delay_ms", 1000.0 * (double)delay / r->fs_hz);
    }
    st_json_object_begin(&j, "neuron");
    st_json_string(&j, "model", c->model->name);
    st_json_string(&j, "preset", cli_pipe_neuron_name(&o->p));
    st_json_object_begin(&j, "params");
    for (size_t i = 0; i < c->model->n_params; i++)
        st_json_number(&j, c->model->params[i].name,
                       st_param_get(&c->params, &c->model->params[i]));
    st_json_object_end(&j);
    st_json_string(&j, "integrator", st_integrator_name(c->how));
    st_json_number(&j, "dt_ms", r->dt_ms);
    st_json_uint(&j, "decimate", c->decimate);
    st_json_uint(&j, "steps", r->steps);
    st_json_object_end(&j);
    st_json_string(&j, "sonify", st_sonify_name(c->sonify));
    st_json_string(&j, "output", out);
    st_json_uint(&j, "spike_count", r->spikes.count);
    double model_s = (double)r->steps * r->dt_ms / 1000.0;
    st_json_number(&j, "mean_rate_hz", model_s > 0 ? (double)r->spikes.count / model_s : 0.0);
    st_json_array_begin(&j, "spike_times_ms", true);
    for (size_t i = 0; i < r->spikes.count; i++)
        st_json_number(&j, NULL, (double)r->spikes.step[i] * r->dt_ms);
    st_json_array_end(&j);
    st_json_object_end(&j);
}

/* Progress on stderr for long files, only when a person watches. */
static void progress(void *ud, double f)
{
    (void)ud;
    fprintf(stderr, "\rprocessing: %3d%%", (int)(100 * f + 0.5));
    if (f >= 1.0)
        fputs("\r                \r", stderr);
}

/* --block N: the streaming pipeline over the file, N samples per call, as `live` runs it;
 * 'r' gets the output, the spikes and, with 'taps', one row per sample of every stage. */
static st_status stream_file(const st_stream_config *sc, const st_audio *in, size_t block,
                             bool taps, st_pipeline_result *r, size_t *delay, st_error *err)
{
    memset(r, 0, sizeof *r);
    size_t n = in->n;
    r->fs_hz = in->fs_hz;
    r->n = r->steps = n;
    r->input = in->x;
    r->dt_ms = 1000.0 / in->fs_hz;
    r->decimate = 1;
    r->env_ref = sc->pipe.normalize == ST_NORM_NONE ? 1.0 : NAN; /* peak: it moves */
    st_stream *s = NULL;
    st_status st = st_stream_create(sc, in->fs_hz, &s, err);
    if (st)
        return st;
    *delay = st_stream_delay_samples(s);
    float **dst[6] = {&r->gated, &r->rectified, &r->envelope, &r->current, &r->v, &r->u};
    const float *(*const src[6])(const st_stream *) = {
        st_stream_tap_gated, st_stream_tap_rectified, st_stream_tap_envelope,
        st_stream_tap_current, st_stream_tap_v, st_stream_tap_u};
    bool ok = (r->output = st_malloc(n * sizeof(float))) != NULL;
    for (size_t k = 0; ok && taps && k < 6; k++)
        ok = (*dst[k] = st_malloc(n * sizeof(float))) != NULL;
    if (!ok || (taps && st_stream_enable_taps(s, block < n ? block : n, err))) {
        st = st_error_set(err, ST_ERR_NOMEM, "process: out of memory (%zu samples)", n);
        goto done;
    }
    for (size_t off = 0; off < n; off += block) {
        size_t m = n - off < block ? n - off : block;
        if (st_spikes_reserve(&r->spikes, m)) {
            st = st_error_set(err, ST_ERR_NOMEM, "process: out of memory for spikes");
            goto done;
        }
        st_stream_process(s, in->x + off, r->output + off, m, &r->spikes);
        for (size_t k = 0; taps && k < 6; k++)
            memcpy(*dst[k] + off, src[k](s), m * sizeof(float));
    }
    uint64_t at;
    if (st_stream_fault(s, &at)) {
        st = st_error_set(err, ST_ERR_NUMERIC,
                          "neuron: v is not finite at t = %g ms (sample %llu); try a lower "
                          "--gain",
                          (double)at * r->dt_ms, (unsigned long long)at);
        goto done;
    }
    st_stream_stats stats;
    st_stream_stats_get(s, &stats);
    r->gate_threshold = sc->pipe.gate_on ? stats.gate_threshold : 0.0;
done:
    st_stream_destroy(s);
    if (st)
        st_pipeline_result_free(r);
    return st;
}

static int run(const opts *o, const char *out)
{
    st_pipeline_config c;
    st_stream_config sc;
    size_t block = 0, delay = 0;
    int rc = configure(o, &c, &sc, &block);
    if (rc || (rc = check_outputs(o, out)))
        return rc;
    c.keep_taps = o->trace || o->plot; /* otherwise the stages may work in place */
    st_audio in;
    st_error err = {0};
    if (st_audio_read(o->in, &in, &err))
        return cli_report(&err);
    if (block ? st_stream_check(&sc, in.fs_hz, &err) : st_pipeline_check(&c, in.fs_hz, &err)) {
        st_audio_free(&in);
        return cli_report(&err);
    }
    if (block)
        c = sc.pipe; /* what ran, for the messages, the plot and the JSON */
    bool show = !o->quiet && isatty(2) && (double)in.n / in.fs_hz > 3.0;
    st_pipeline_result r;
    st_status st = block ? stream_file(&sc, &in, block, o->trace || o->plot, &r, &delay, &err)
                   : o->p.recipe && !strcmp(o->p.recipe, "seed-live")
                       ? st_recipe_seed_live(&c, in.x, in.n, in.fs_hz, &r, &err)
                       : st_pipeline_run(&c, in.x, in.n, in.fs_hz, &r, show ? progress : NULL,
                                         NULL, &err);
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
    if (!rc && o->trace)
        rc = write_trace(o->trace, &r);
    if (!rc && o->spikes)
        rc = write_spikes(o->spikes, &r);
    if (!rc && o->plot)
        rc = write_plot(o->plot, o, &c, &r);
    if (!rc)
        rc = cli_outputs_commit(); /* all of them, or none */
    if (!rc && o->json)
        print_json(o, out, &in, &c, &r, &sc, block, delay);
    else if (!rc && !o->quiet && block)
        printf("%s: %.2f s at %g Hz -> %zu spikes (%s neuron, %s envelope, gate %.4g, "
               "blocks of %zu, envelope delay %.3g ms) -> %s\n",
               o->in, (double)r.n / r.fs_hz, r.fs_hz, r.spikes.count, cli_pipe_neuron_name(&o->p),
               st_envelope_name(c.envelope), r.gate_threshold, block,
               1000.0 * (double)delay / r.fs_hz, out);
    else if (!rc && !o->quiet)
        printf("%s: %.2f s at %g Hz -> %zu spikes (%s neuron, %s envelope, gate %.4g) -> %s\n",
               o->in, (double)r.n / r.fs_hz, r.fs_hz, r.spikes.count,
               cli_pipe_neuron_name(&o->p),
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
    char *def = o.out ? NULL : default_output(o.in);
    if (!o.out && !def) {
        cli_error("process: out of memory");
        return CLI_FAIL;
    }
    rc = run(&o, o.out ? o.out : def);
    free(def);
    return rc;
}
