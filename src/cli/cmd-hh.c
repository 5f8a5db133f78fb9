/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk hh`: the Hodgkin-Huxley point neuron under a current protocol, and its f-I curve. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spiketalk/output.h"
#include "spiketalk/figure.h"
#include "spiketalk/hh-protocol.h"
#include "spiketalk/plot.h"

#define DEFAULT_INPUT "step:onset=10,amp=10"
#define DEFAULT_DURATION_MS 100.0
#define DEFAULT_DT_MS 0.01
#define DEFAULT_V0_MV (-65.0)
/* The most steps one command may take (the f-I curve's runs together): about five minutes here
 * with rk4; more is a mistyped --dt or --duration. */
#define MAX_TOTAL_STEPS 1e9
/* Points kept per plotted series; longer runs keep a min/max pair per bin. */
#define PLOT_MAX 400000u

/* The membrane parameters a flag can set: the registry's hh table, less the temperature,
 * which has its own flag with range checks below. */
#define MAX_HH_FLAGS 16

static const st_model *hh_model(void)
{
    return st_model_get(ST_MODEL_HH);
}

static bool is_membrane_param(const st_param_desc *d)
{
    return strcmp(d->name, "temperature") != 0;
}

typedef struct opts {
    const char *input, *duration, *dt, *temperature, *integrator, *v0;
    const char *trace, *plot, *fi, *max_memory;
    const char *param[MAX_HH_FLAGS];  /* by index in the registry's hh table */
    bool json;
} opts;

typedef struct config {
    st_hh_params p;
    st_integrator how;
    double dt_ms, duration_ms, v0_mv;
    st_stimulus stim;
    double fi_from, fi_to, fi_step;
    size_t fi_n;
} config;

/* ---- help ------------------------------------------------------------------------------------ */

static void help(FILE *f)
{
    st_hh_params d = st_hh_params_default();
    fprintf(f,
        "usage: spiketalk hh [--input SPEC] [--duration MS] [--dt MS] [--temperature C]\n"
        "                    [--integrator rk4|rush-larsen|euler] [--trace F.csv] [--plot F]\n"
        "                    [--json]\n"
        "       spiketalk hh --fi FROM:TO:STEP [--temperature C] [--plot F] [--json]\n"
        "\n"
        "The Hodgkin-Huxley (1952) squid-axon membrane as a point neuron, in the modern\n"
        "convention (rest near -65 mV) with the parameters of NEURON's built-in 'hh':\n"
        "    Cm dv/dt = I - gNa m^3 h (v - ENa) - gK n^4 (v - EK) - gL (v - EL)\n"
        "    dx/dt    = phi (alpha_x(v) (1 - x) - beta_x(v) x),   x = m, h, n\n"
        "    phi      = 3^((T - 6.3)/10)   (Q10 = 3; 1 at the default 6.3 degrees C)\n"
        "    alpha_m = 0.1 (v+40)/(1 - exp(-(v+40)/10))   beta_m = 4 exp(-(v+65)/18)\n"
        "    alpha_h = 0.07 exp(-(v+65)/20)               beta_h = 1/(1 + exp(-(v+35)/10))\n"
        "    alpha_n = 0.01 (v+55)/(1 - exp(-(v+55)/10))  beta_n = 0.125 exp(-(v+65)/80)\n"
        "Units: time ms, v mV, I and the currents uA/cm^2, conductances mS/cm^2, Cm uF/cm^2.\n"
        "The run starts at v = --v0 (-65 mV) with m, h, n at their steady state there.\n"
        "A spike is an upward crossing of 0 mV; its time is interpolated between samples.\n"
        "\n"
        "Options (defaults in brackets):\n"
        "  --input SPEC        input current density I(t), uA/cm^2 [%s]\n"
        "                      const:amp=A | step:onset=T,amp=A[,dur=D] |\n"
        "                      pulse:start=T,width=W,amp=A | ramp:start=T,slope=S[,from=B]\n"
        "                      terms summed with '+' (see 'spiketalk simulate --help')\n"
        "  --duration MS       simulated time [%g]\n"
        "  --dt MS             time step [%g]; the step using I(t_k) ends at t_k + dt\n"
        "  --temperature C     degrees Celsius [%g]; %g to %g accepted, a warning beyond\n"
        "                      %g (and below 0): the rates then describe no living axon\n"
        "  --integrator NAME   rk4 (classical Runge-Kutta, all four variables) [rk4]\n"
        "                      rush-larsen (each gate stepped exactly with its rates frozen\n"
        "                      at the old v; v by forward Euler) or euler (forward Euler)\n"
        "  --v0 MV             initial v, gates at steady state there [%g]\n",
        DEFAULT_INPUT, DEFAULT_DURATION_MS, DEFAULT_DT_MS, d.temperature_c, ST_HH_TEMP_MIN_C,
        ST_HH_TEMP_MAX_C, ST_HH_TEMP_WARN_C, DEFAULT_V0_MV);
    const st_model *m = hh_model();
    st_model_params def = {.hh = d};
    for (size_t i = 0; i < m->n_params; i++) {
        const st_param_desc *pd = &m->params[i];
        if (!is_membrane_param(pd))
            continue;
        char val[40], flag[32];
        st_format_double(val, sizeof val, st_param_get(&def, pd));
        snprintf(flag, sizeof flag, "--%s X", pd->name);
        fprintf(f, "  %-19s %s, %s [%s]\n", flag, pd->help, pd->unit, val);
    }
    fprintf(f,
        "\n"
        "Outputs (each checked before the run; files are written whole or not at all):\n"
        "  --trace FILE.csv    columns t_ms,I,v,m,h,n,INa,IK,IL (currents outward positive),\n"
        "                      one row per time point t_0 .. t_N\n"
        "  --plot FILE         .png, .svg or .pdf: three stacked panels sharing the time axis:\n"
        "                      v with I on a twin axis; the gates m, h, n; INa, IK, IL\n"
        "  --json              one JSON object on stdout: the settings, spike_count,\n"
        "                      spike_times_ms, mean_rate_hz\n"
        "\n"
        "f-I curve:\n"
        "  --fi FROM:TO:STEP   for I = FROM, FROM+STEP, ... TO (uA/cm^2): a %g ms step of I\n"
        "                      from rest (I(t) = I for t > 0); prints spikes, mean rate and\n"
        "                      the steady rate 1/(last interspike interval) of each, and finds\n"
        "                      by bisection, to %g uA/cm^2, the lowest current that gives\n"
        "                        - at least one spike (fi_threshold_single_uA_cm2), and\n"
        "                        - sustained repetitive firing (fi_threshold_repetitive_uA_cm2):\n"
        "                          at least 2 spikes, the last of them in the final %g ms of\n"
        "                          the step (%g < t <= %g ms)\n"
        "                      between the grid points where the answer changes (null when\n"
        "                      no grid point fires, or the first one already does). --trace\n"
        "                      writes I_uA_cm2,spike_count,rate_hz,steady_rate_hz; --plot the\n"
        "                      curve. --input and --duration do not apply.\n"
        "\n"
        "Examples:\n"
        "  spiketalk hh --plot hh.png                        # 10 uA/cm^2 from 10 ms: a train\n"
        "  spiketalk hh --input pulse:start=5,width=1,amp=20 --duration 30 --trace ap.csv\n"
        "  spiketalk hh --temperature 18.5 --json            # faster gates, narrower spikes\n"
        "  spiketalk hh --fi 0:20:1 --plot fi.png            # f-I curve and both thresholds\n"
        "\n"
        "A. L. Hodgkin and A. F. Huxley, J. Physiol. 117:500-544 (1952).\n",
        ST_HH_FI_STEP_MS, ST_HH_FI_TOL, ST_HH_FI_TAIL_MS, ST_HH_FI_STEP_MS - ST_HH_FI_TAIL_MS,
        ST_HH_FI_STEP_MS);
}

/* ---- arguments ------------------------------------------------------------------------------- */

/* --NAME VALUE for a membrane parameter of the registry's hh table. */
static int other_arg(void *ud, int argc, char **argv, int *i)
{
    opts *o = ud;
    const st_model *m = hh_model();
    const char *a = argv[*i];
    for (size_t k = 0; k < m->n_params && k < MAX_HH_FLAGS; k++) {
        char flag[32];
        snprintf(flag, sizeof flag, "--%s", m->params[k].name);
        bool bad = false;
        if (is_membrane_param(&m->params[k]) &&
            cli_flag_value(argc, argv, i, flag, &o->param[k], &bad))
            return bad ? CLI_USAGE : CLI_OK;
    }
    cli_error("%s: unknown option (see 'spiketalk hh --help')", a);
    return CLI_USAGE;
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    const cli_opt table[] = {
        {"--input", &o->input, NULL},           {"--duration", &o->duration, NULL},
        {"--dt", &o->dt, NULL},                 {"--temperature", &o->temperature, NULL},
        {"--integrator", &o->integrator, NULL}, {"--v0", &o->v0, NULL},
        {"--trace", &o->trace, NULL},           {"--plot", &o->plot, NULL},
        {"--fi", &o->fi, NULL},                 {"--max-memory", &o->max_memory, NULL},
        {"--json", NULL, &o->json}};
    return cli_parse(argc, argv, table, sizeof table / sizeof table[0], "hh", help, other_arg,
                     o);
}

/* Parses FROM:TO:STEP, the whole text. */
static int parse_fi(const char *text, config *c)
{
    double x[3];
    int n = cli_numbers("--fi", text, ':', x, 3);
    if (n < 0)
        return CLI_USAGE;
    if (n != 3) {
        cli_error("--fi: '%s' is not FROM:TO:STEP (e.g. 0:20:1, in uA/cm^2)", text);
        return CLI_USAGE;
    }
    st_error err = {0};
    if (st_hh_fi_grid(text, x[0], x[1], x[2], c->dt_ms, &c->fi_n, &err))
        return cli_report(&err);
    c->fi_from = x[0];
    c->fi_to = x[1];
    c->fi_step = x[2];
    return CLI_OK;
}

static int build_config(const opts *o, config *c)
{
    st_error err = {0};
    memset(c, 0, sizeof *c);
    c->p = st_hh_params_default();
    c->how = ST_INT_RK4;
    c->dt_ms = DEFAULT_DT_MS;
    c->duration_ms = o->fi ? ST_HH_FI_STEP_MS : DEFAULT_DURATION_MS;
    c->v0_mv = DEFAULT_V0_MV;
    const st_model *m = hh_model();
    st_model_params mp = {.hh = c->p};
    for (size_t i = 0; i < m->n_params && i < MAX_HH_FLAGS; i++)
        if (o->param[i] && !cli_set_param(m, &mp, m->params[i].name, o->param[i]))
            return CLI_USAGE;
    c->p = mp.hh;
    if (o->temperature && !cli_number("--temperature", o->temperature, &c->p.temperature_c))
        return CLI_USAGE;
    if (st_hh_prepare(&c->p, &err))
        return cli_report(&err);
    if (o->dt && !cli_number("--dt", o->dt, &c->dt_ms))
        return CLI_USAGE;
    if (o->duration && !cli_number("--duration", o->duration, &c->duration_ms))
        return CLI_USAGE;
    if (o->v0 && !cli_number("--v0", o->v0, &c->v0_mv))
        return CLI_USAGE;
    if (!(c->dt_ms > 0)) {
        cli_error("--dt: must be a finite number > 0 ms (got %g)", c->dt_ms);
        return CLI_USAGE;
    }
    if (!(c->duration_ms >= 0)) {
        cli_error("--duration: must be a finite number >= 0 ms (got %g)", c->duration_ms);
        return CLI_USAGE;
    }
    double steps = c->duration_ms / c->dt_ms;
    if (!o->fi && !(steps <= MAX_TOTAL_STEPS)) {
        char n[40];
        snprintf(n, sizeof n, isfinite(steps) ? "%.3g steps" : "too many steps to count", steps);
        cli_error("%s: %g ms at --dt %g ms is %s; a run may take at most %.0e (use a %s)",
                  o->dt || !o->duration ? "--dt" : "--duration", c->duration_ms, c->dt_ms, n,
                  MAX_TOTAL_STEPS,
                  o->dt || !o->duration ? "larger --dt or a shorter --duration"
                                        : "shorter --duration or a larger --dt");
        return CLI_USAGE;
    }
    if (o->integrator && st_integrator_parse(o->integrator, &c->how, &err))
        return cli_report(&err);
    if (!st_hh_offers(c->how)) {
        cli_error("--integrator: %s is not offered by the HH model (choose rk4, rush-larsen "
                  "or euler)",
                  st_integrator_name(c->how));
        return CLI_USAGE;
    }
    if (o->fi && (o->input || o->duration)) {
        cli_error("--fi: runs its own %g ms steps; --input and --duration do not apply",
                  ST_HH_FI_STEP_MS);
        return CLI_USAGE;
    }
    if (o->fi)
        return parse_fi(o->fi, c);
    if (st_stimulus_parse(o->input ? o->input : DEFAULT_INPUT, &c->stim, "--input", &err))
        return cli_report(&err);
    double lo, hi;
    st_stimulus_range(&c->stim, c->duration_ms, &lo, &hi);
    if (!isfinite(lo) || !isfinite(hi)) {
        char text[ST_STIMULUS_TEXT_MAX];
        st_stimulus_format(&c->stim, text, sizeof text);
        cli_error("--input: the input current overflows: '%.*s%s' reaches %g within the %g ms "
                  "of the run", 200, text, strlen(text) > 200 ? "..." : "",
                  isfinite(hi) ? lo : hi, c->duration_ms);
        return CLI_USAGE;
    }
    return CLI_OK;
}

static void warn_temperature(double t_c)
{
    if (t_c > ST_HH_TEMP_WARN_C || t_c < 0.0)
        fprintf(stderr,
                "spiketalk: warning: --temperature %g degrees C is outside any physiological "
                "range; the rates are %.3g times those at 6.3 degrees C\n",
                t_c, pow(3.0, (t_c - 6.3) / 10.0));
}

/* ---- the run --------------------------------------------------------------------------------- */

/* Progress over all the runs of the command (the f-I curve makes many). */
static cli_progress progress;
static double progress_done;

static int on_steps(void *ud, uint64_t n, st_error *err)
{
    (void)ud;
    (void)err;
    progress_done += (double)n;
    cli_progress_update(&progress, progress_done);
    return 0;
}

/* What the library runs: the CLI's progress meter, and what is wrong with the membrane
 * parameters, if anything, named as the likely cause of a blow-up. */
static st_hh_run_config run_config(const config *c)
{
    static char why[200];
    st_model_params mp = {.hh = c->p};
    bool suspect = cli_fault_suspect(hh_model(), &mp, c->v0_mv, why, sizeof why);
    return (st_hh_run_config){.p = c->p, .how = c->how, .dt_ms = c->dt_ms, .v0_mv = c->v0_mv,
                              .on_steps = on_steps, .fault_hint = suspect ? why : NULL};
}

/* ---- trace and plot data --------------------------------------------------------------------- */

typedef struct sink {
    FILE *trace;
    const char *trace_path;
    st_rows *pb;
} sink;

static int on_row(void *ud, const double row[ST_HH_COLS], st_error *err)
{
    sink *s = ud;
    if (s->trace) {
        st_csv_row(s->trace, row, ST_HH_COLS);
        if (ferror(s->trace)) /* a full disk stops the run now */
            return st_error_set(err, ST_ERR_IO, "%s: write failed: %s", s->trace_path,
                                strerror(errno)) != ST_OK;
    }
    if (s->pb && st_rows_add(s->pb, row))
        return st_error_set(err, ST_ERR_NOMEM, "--plot: out of memory") != ST_OK;
    return 0;
}

static int write_plot(const char *path, const config *c, const st_rows *pb, size_t spikes)
{
    st_hh_run_config rc = run_config(c);
    st_figure *f = NULL;
    st_error err = {0};
    st_status built = st_figure_hh(&rc, &c->stim, c->duration_ms, pb, spikes, &f, &err);
    return cli_save_figure(built, f, path, &err);
}

/* ---- a single run ---------------------------------------------------------------------------- */

static void json_settings(st_json *j, const config *c)
{
    st_json_string(j, "model", "hh");
    st_json_string(j, "title", "Hodgkin-Huxley (1952) point neuron, NEURON's hh parameters");
    st_json_object_begin(j, "params");
    const st_model *m = hh_model();
    st_model_params mp = {.hh = c->p};
    for (size_t i = 0; i < m->n_params; i++)
        if (is_membrane_param(&m->params[i]))
            st_json_number(j, m->params[i].name, st_param_get(&mp, &m->params[i]));
    st_json_object_end(j);
    st_json_number(j, "temperature_c", c->p.temperature_c);
    st_json_number(j, "phi", c->p.derived.phi);
    st_json_number(j, "v0_mv", c->v0_mv);
    st_json_string(j, "current_unit", "uA/cm^2");
    st_json_string(j, "integrator", st_integrator_name(c->how));
    st_json_number(j, "dt_ms", c->dt_ms);
    st_json_string(j, "spike_rule", "upward crossing of 0 mV, time interpolated");
}

static void json_times(st_json *j, const st_hh_spikes *sp)
{
    st_json_array_begin(j, "spike_times_ms", true);
    for (size_t i = 0; i < sp->count; i++)
        st_json_number(j, NULL, sp->t_ms[i]);
    st_json_array_end(j);
}

static int run_single(const opts *o, const config *c)
{
    st_error err = {0};
    st_rows pb;
    st_hh_spikes sp = {0};
    sink sk = {NULL, o->trace, o->plot ? &pb : NULL};
    uint64_t steps = (uint64_t)llround(c->duration_ms / c->dt_ms);
    st_rows_init(&pb, ST_HH_COLS, steps + 1, PLOT_MAX);
    st_hh_run_config rcfg = run_config(c);
    int rc = CLI_OK;
    if (o->trace) {
        if (!(sk.trace = cli_outputs_open(o->trace))) {
            st_rows_free(&pb);
            return CLI_FAIL;
        }
        fputs("t_ms,I,v,m,h,n,INa,IK,IL\n", sk.trace);
    }
    bool rows = o->trace || o->plot;
    cli_progress_start(&progress, "hh", "steps", (double)steps, false);
    if (st_hh_run(&rcfg, &c->stim, c->duration_ms, &sp, rows ? on_row : NULL, &sk, &err))
        rc = cli_report(&err);
    cli_progress_end(&progress);
    if (!rc && o->plot)
        rc = write_plot(o->plot, c, &pb, sp.count);
    if (!rc)
        rc = cli_outputs_commit(); /* the trace and the plot, or neither */
    if (!rc && o->json) {
        char input[ST_STIMULUS_TEXT_MAX];
        st_stimulus_format(&c->stim, input, sizeof input);
        st_json j;
        st_json_init(&j, stdout);
        st_json_object_begin(&j, NULL);
        json_settings(&j, c);
        st_json_string(&j, "input", input);
        st_json_number(&j, "duration_ms", c->duration_ms);
        st_json_uint(&j, "steps", steps);
        st_json_uint(&j, "spike_count", sp.count + sp.dropped);
        st_json_number(&j, "mean_rate_hz",
                       c->duration_ms > 0 ? (double)sp.count / (c->duration_ms / 1000.0) : 0.0);
        json_times(&j, &sp);
        st_json_object_begin(&j, "files");
        st_json_string(&j, "trace", o->trace);
        st_json_string(&j, "plot", o->plot);
        st_json_object_end(&j);
        st_json_object_end(&j);
    } else if (!rc) {
        char input[ST_STIMULUS_TEXT_MAX];
        st_stimulus_format(&c->stim, input, sizeof input);
        printf("hh: %zu spike%s", sp.count, sp.count == 1 ? "" : "s");
        if (sp.count)
            printf(", first at %.3f ms", sp.t_ms[0]);
        printf("   (%s, dt %g ms, %g ms, %g degrees C, input %s)\n", st_integrator_name(c->how),
               c->dt_ms, c->duration_ms, c->p.temperature_c, input);
        if (o->trace)
            printf("wrote trace %s\n", o->trace);
        if (o->plot)
            printf("wrote plot %s\n", o->plot);
    }
    st_hh_spikes_free(&sp);
    st_rows_free(&pb);
    return rc;
}

/* ---- the f-I curve --------------------------------------------------------------------------- */

static int write_fi_plot(const char *path, const config *c, const st_hh_fi *fi)
{
    st_hh_run_config rc = run_config(c);
    st_figure *f = NULL;
    st_error err = {0};
    st_status built = st_figure_hh_fi(&rc, fi, &f, &err);
    return cli_save_figure(built, f, path, &err);
}

static int write_fi_trace(const char *path, const st_hh_fi *fi)
{
    st_outfile of = {.f = cli_outputs_open(path)}; /* committed with the plot */
    if (!of.f)
        return CLI_FAIL;
    fputs("I_uA_cm2,spike_count,rate_hz,steady_rate_hz\n", of.f);
    for (size_t k = 0; k < fi->n; k++) {
        const st_hh_fi_point *pt = &fi->pts[k];
        double row[4] = {pt->I_ua_cm2, (double)pt->spikes.count, pt->rate_hz, pt->steady_hz};
        st_csv_row(of.f, row, 4);
    }
    return CLI_OK;
}

static void print_fi(const opts *o, const config *c, const st_hh_fi *fi)
{
    const st_hh_fi_point *pts = fi->pts;
    const double th1 = fi->threshold_single, th2 = fi->threshold_repetitive;
    if (o->json) {
        st_json j;
        st_json_init(&j, stdout);
        st_json_object_begin(&j, NULL);
        json_settings(&j, c);
        st_json_number(&j, "fi_step_ms", ST_HH_FI_STEP_MS);
        st_json_number(&j, "fi_from_uA_cm2", c->fi_from);
        st_json_number(&j, "fi_to_uA_cm2", c->fi_to);
        st_json_number(&j, "fi_step_uA_cm2", c->fi_step);
        st_json_array_begin(&j, "fi", false);
        for (size_t k = 0; k < c->fi_n; k++) {
            st_json_object_begin(&j, NULL);
            st_json_number(&j, "I_uA_cm2", pts[k].I_ua_cm2);
            st_json_uint(&j, "spike_count", pts[k].spikes.count);
            st_json_number(&j, "rate_hz", pts[k].rate_hz);
            st_json_number(&j, "steady_rate_hz", pts[k].steady_hz);
            st_json_string(&j, "pattern", st_hh_fi_pattern(&pts[k].spikes));
            json_times(&j, &pts[k].spikes);
            st_json_object_end(&j);
        }
        st_json_array_end(&j);
        st_json_number(&j, "fi_threshold_single_uA_cm2", th1);
        st_json_number(&j, "fi_threshold_repetitive_uA_cm2", th2);
        st_json_number(&j, "fi_threshold_tolerance_uA_cm2", ST_HH_FI_TOL);
        st_json_string(&j, "fi_single_definition", "at least 1 spike in the 500 ms step");
        st_json_string(&j, "fi_repetitive_definition",
                       "at least 2 spikes, the last in the final 100 ms of the 500 ms step");
        st_json_object_begin(&j, "files");
        st_json_string(&j, "trace", o->trace);
        st_json_string(&j, "plot", o->plot);
        st_json_object_end(&j);
        st_json_object_end(&j);
        return;
    }
    printf("f-I curve of the HH neuron: %g ms steps from rest, %g degrees C, %s, dt %g ms\n\n",
           ST_HH_FI_STEP_MS, c->p.temperature_c, st_integrator_name(c->how), c->dt_ms);
    printf("  I (uA/cm^2)  spikes  mean rate (Hz)  steady rate (Hz)  firing\n");
    for (size_t k = 0; k < c->fi_n; k++)
        printf("  %11.4g  %6zu  %14.1f  %16.1f  %s\n", pts[k].I_ua_cm2, pts[k].spikes.count,
               pts[k].rate_hz, pts[k].steady_hz, st_hh_fi_pattern(&pts[k].spikes));
    const char *what[2] = {"at least one spike", "repetitive firing (spikes in the last 100 ms)"};
    double th[2] = {th1, th2};
    bool (*test[2])(const st_hh_spikes *) = {st_hh_fi_fires, st_hh_fi_repetitive};
    printf("\n");
    for (int i = 0; i < 2; i++) {
        if (!isnan(th[i]))
            printf("lowest current for %s: %.2f uA/cm^2 (to %g)\n", what[i], th[i], ST_HH_FI_TOL);
        else if (fi->n && test[i](&pts[0].spikes))
            printf("lowest current for %s: at or below %g uA/cm^2 (lower FROM to find it)\n",
                   what[i], c->fi_from);
        else
            printf("lowest current for %s: none up to %g uA/cm^2\n", what[i],
                   pts[fi->n - 1].I_ua_cm2);
    }
    if (o->trace)
        printf("wrote f-I table %s\n", o->trace);
    if (o->plot)
        printf("wrote plot %s\n", o->plot);
}

static int run_fi(const opts *o, const config *c)
{
    st_error err = {0};
    st_hh_run_config rc = run_config(c);
    st_hh_fi fi;
    cli_progress_start(&progress, "hh --fi", "steps",
                       st_hh_fi_runs(c->fi_step, c->fi_n) * (ST_HH_FI_STEP_MS / c->dt_ms),
                       false);
    st_status st = st_hh_fi_curve(&rc, c->fi_from, c->fi_step, c->fi_n, &fi, &err);
    cli_progress_end(&progress);
    if (st)
        return cli_report(&err);
    int r = CLI_OK;
    if (o->trace)
        r = write_fi_trace(o->trace, &fi);
    if (!r && o->plot)
        r = write_fi_plot(o->plot, c, &fi);
    if (!r)
        r = cli_outputs_commit();
    if (!r)
        print_fi(o, c, &fi);
    st_hh_fi_free(&fi);
    return r;
}

/* ---- the command ----------------------------------------------------------------------------- */

int cmd_hh(int argc, char **argv)
{
    opts o;
    config c;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (o.max_memory && (rc = cli_memory_option(o.max_memory)))
        return rc;
    if ((rc = build_config(&o, &c)))
        return rc;
    warn_temperature(c.p.temperature_c);
    /* the plot keeps PLOT_MAX rows of ST_HH_COLS numbers at most, in arrays that double */
    double plot_rows = o.fi ? (double)c.fi_n : fmin(c.duration_ms / c.dt_ms + 1, PLOT_MAX + 2.0);
    double rows = o.fi ? (double)c.fi_n + 1 : c.duration_ms / c.dt_ms + 2;
    uint64_t memory = (1u << 20) + (o.plot ? (uint64_t)(2 * ST_HH_COLS * 8 * plot_rows) : 0);
    if ((rc = cli_memory_check(o.plot ? "--plot" : "hh", "the run", memory)) ||
        (rc = cli_outputs_add("--trace", o.trace, CLI_OUT_FILE,
                              cli_csv_bytes(o.trace ? rows : 0, o.fi ? 4 : ST_HH_COLS))) ||
        (rc = cli_outputs_add("--plot", o.plot, CLI_OUT_PLOT, 0)) ||
        (rc = cli_outputs_check_space()))
        return rc;
    return o.fi ? run_fi(&o, &c) : run_single(&o, &c);
}
