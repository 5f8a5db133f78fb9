/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The spiketalk command: dispatch to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "spiketalk/output.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"process", cmd_process, "let a neuron answer a sound file: envelope -> neuron -> sound"},
    {"simulate", cmd_simulate, "run a model neuron under a stimulus protocol; traces, plots"},
    {"presets", cmd_presets, "list the cell types and the 20 firing-pattern features"},
    {"hh", cmd_hh, "the Hodgkin-Huxley (1952) point neuron: traces, plots, the f-I curve"},
    {"axon", cmd_axon, "the action potential travelling along an HH axon; its velocity"},
    {"network", cmd_network, "the Izhikevich networks (2003, 2006): rasters, rhythms, sound"},
    {"live", cmd_live, "the neuron answers the microphone in real time (full duplex)"},
    {"record", cmd_record, "record a take from a capture device into a WAV file"},
    {"devices", cmd_devices, "list the audio devices (capture and playback)"},
};

static void usage(FILE *f)
{
    fputs("usage: spiketalk COMMAND [OPTIONS]   (spiketalk COMMAND --help for details)\n\n"
          "A workbench for spiking model neurons: Izhikevich (2003/2004 and the 2007 book form)\n"
          "and Hodgkin-Huxley (a point neuron and an axon) driven by step, pulse and ramp\n"
          "currents, with traces, spike lists and plots.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nExamples:\n"
          "  spiketalk simulate --preset RS --plot rs.png\n"
          "  spiketalk simulate --feature tonic-bursting --json\n"
          "  spiketalk simulate --feature all --plot sheet.png\n"
          "  spiketalk presets\n"
          "  spiketalk hh --plot hh.png\n"
          "  spiketalk axon --plot axon.png\n"
          "\nExit status: 0 done; 1 the run failed on its own (a full disk, a numerical blow-up,\n"
          "a lost device, memory that ran out); 2 bad input, refused before any work (a flag, an\n"
          "input file, outputs that cannot be written or name the same file, a run beyond the\n"
          "limits); 128 + N after signal N (Ctrl-C: 130), with every temporary file removed.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version")) {
        puts("spiketalk " SPIKETALK_VERSION);
        return CLI_OK;
    }
    /* Ctrl-C or a kill removes the run's temporary files and ends it with 128 + N; the
     * library's memory is counted against --max-memory. */
    st_temp_catch_signals();
    cli_memory_init();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name))
            continue;
        int rc = commands[i].run(argc - 1, argv + 1);
        cli_outputs_abort(); /* a run that did not commit leaves nothing behind */
        return rc;
    }
    cli_error("'%s' is not a command (see 'spiketalk --help')", cmd);
    return CLI_USAGE;
}
