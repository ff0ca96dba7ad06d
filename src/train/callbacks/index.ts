export { type CheckpointOptions, checkpoint } from './checkpoint.js';
export { type MetricsLogOptions, metricsLog } from './metrics-log.js';
export { type ProgressOptions, type ProgressSink, formatDuration, progress } from './progress.js';
export { type SampleGridOptions, sampleGrid } from './sample-grid.js';
export { type LearningRateScheduleOptions, learningRateSchedule } from './learning-rate-schedule.js';
export { type MetricCallback, type MetricCallbackOptions, type MetricLogs, metric, metricLogs } from './metric.js';
