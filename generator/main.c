/* main.c - placeholder until the stages land. */
#include <stdio.h>
int main(void) { puts("kaoping"); return 0; }
