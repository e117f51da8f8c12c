/** The reason a send left `sending` by a crash ends `failed`: its outcome is unknown, so it is never sent again. */
export const INTERRUPTED = 'the server stopped while this message was being sent; its outcome is unknown, so it was not sent again';
