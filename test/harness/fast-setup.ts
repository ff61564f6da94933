/** `npm run test:fast`'s set-up: product logs off the console (as in the full run), nothing else. */
export default function fastSetup() {
  process.env.LOG_LEVEL ??= 'silent';
}
