#include <libpq-fe.h>

/* Swift does not import character-literal macros such as PG_DIAG_SQLSTATE ('C'): expose the
   diagnostic field codes tick reads as typed constants, taken from libpq's own header. */
static const int CLibPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CLibPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
