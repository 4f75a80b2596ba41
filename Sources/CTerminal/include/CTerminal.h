#ifndef DOORSTEP_CTERMINAL_H
#define DOORSTEP_CTERMINAL_H

/// The number of columns of the terminal open on `fd`, or 0 when `fd` is not a terminal.
/// (`ioctl(2)` is variadic, so Swift cannot call it directly.)
int doorstep_terminal_columns(int fd);

#endif
