// Typed errors of the node agent: each names the file (or endpoint), the field and the value.
import { InputError } from '../core/errors.ts';

/** A kernel or tool file whose text is not what its format says (cgroup files, /proc, nvidia-smi, conntrack). */
export class AgentParseError extends InputError {}
