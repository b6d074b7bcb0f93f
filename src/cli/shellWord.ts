/** A word quoted for a POSIX shell when it holds anything but plain characters: printed commands run as shown. */
export const shellWord = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
