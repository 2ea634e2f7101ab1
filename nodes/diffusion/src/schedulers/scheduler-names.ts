/** The samplers the pack offers, by the name graphs and the studio use. On its own, so the studio can import the type. */
export type SchedulerName = 'ddim' | 'euler' | 'euler_a' | 'dpmpp_2m' | 'dpmpp_2m_karras';
export const SCHEDULER_NAMES: readonly SchedulerName[] = Object.freeze(['ddim', 'euler', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras']);
