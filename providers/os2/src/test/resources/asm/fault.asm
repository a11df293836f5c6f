; Reads address 0 without an exception handler: the process ends (SYS3175, SIGSEGV's status).
%include "head.inc"
start:
        xor eax, eax
        mov eax, [eax]
        int3
