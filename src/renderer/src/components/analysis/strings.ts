/** The library analysis control's strings (joined into en.ts under `analysis`). */
export const analysisStrings = {
  button: 'Measure loudness, BPM and key',
  buttonHelp:
    'Measures the tracks whose tags have no ReplayGain, BPM or key: loudness (EBU R128) for volume levelling, tempo and key for mixing. Tags are never changed; measured values are marked as detected.',
  label: 'Measuring tracks',
  progress: 'Measuring tracks: {{done}} of {{total}}',
  cancel: 'Stop',
  nothing: 'Every track already has ReplayGain, BPM and key.',
  finished_one: 'Measured {{count}} track ({{failed}} could not be read).',
  finished_other: 'Measured {{count}} tracks ({{failed}} could not be read).',
  stopped: 'Measuring stopped; what was measured is kept.',
};
