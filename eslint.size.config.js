import base from './eslint.config.js';

/**
 * `npm run lint:size`: the function-length warning for the money and sync code
 * (issue 13): no function over ~80 lines in src/shared, src/server/settlement,
 * src/main/services/wallet and src/main/services/sync. Kept out of `npm run lint`
 * while those functions are being split; once they pass, this block moves into
 * eslint.config.js.
 */
export const SIZE_CHECKED = [
  'src/shared/**/*.ts',
  'src/server/settlement/**/*.ts',
  'src/main/services/wallet/**/*.ts',
  'src/main/services/sync/**/*.ts',
];

export default [
  ...base,
  {
    files: SIZE_CHECKED,
    rules: { 'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
];
