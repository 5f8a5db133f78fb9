/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libspiketalk: model neurons driven by stimulus protocols and by sound. The umbrella header. */
#ifndef SPIKETALK_SPIKETALK_H
#define SPIKETALK_SPIKETALK_H

#include "spiketalk/cable.h"
#include "spiketalk/hh.h"
#include "spiketalk/integrator.h"
#include "spiketalk/izh.h"
#include "spiketalk/izh07.h"
#include "spiketalk/network.h"
#include "spiketalk/registry.h"
#include "spiketalk/sim.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"
#include "spiketalk/stimulus.h"

#define SPIKETALK_VERSION "0.1.0"

#endif
