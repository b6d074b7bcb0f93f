import { el, setAttributes, setText } from './dom';
import type { Session } from './session';
import { DIRECT_INVOKE_LABEL, userLabel } from './view/users';

export interface Header {
  element: HTMLElement;
  /** Marks the nav link of the page shown (aria-current). */
  markCurrent(section: 'plans' | 'executions' | undefined): void;
}

/**
 * The product's name, the two lists, and the picker of who acts: the console's `--as`. The stack's users are
 * listed with their rights; without any, actions go by direct invocation and the ledger records them unverified.
 */
export const renderHeader = (session: Session): Header => {
  const picker = el('select', { id: 'user-picker', 'data-testid': 'user-picker', 'aria-label': 'Act as' });
  if (session.users.length === 0) picker.append(el('option', { value: '' }, DIRECT_INVOKE_LABEL));
  for (const user of session.users) picker.append(el('option', { value: user.name }, userLabel(user)));
  picker.value = session.user?.name ?? '';
  picker.addEventListener('change', () => session.choose(picker.value));

  const principal = el('span', { class: 'principal', 'data-testid': 'acting-principal' });
  const showPrincipal = (): void =>
    setText(principal, session.user ? session.user.principalArn : 'no local users: actions are recorded unverified');
  showPrincipal();
  session.onChange(showPrincipal);

  const plans = el('a', { href: '#/plans' }, 'Plans');
  const executions = el('a', { href: '#/executions' }, 'Executions');
  const element = el(
    'header',
    { class: 'top' },
    el('a', { class: 'skip', href: '#main' }, 'Skip to content'),
    el('a', { class: 'brand', href: '#/plans' }, 'drs-ledger console'),
    el('nav', { 'aria-label': 'Main' }, plans, executions),
    el('div', { class: 'acting' }, el('label', { for: 'user-picker' }, 'Act as'), picker, principal),
  );
  return {
    element,
    markCurrent: (section) => {
      setAttributes(plans, { 'aria-current': section === 'plans' && 'page' });
      setAttributes(executions, { 'aria-current': section === 'executions' && 'page' });
    },
  };
};
