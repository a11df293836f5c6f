%include "head.inc"
start:
        push prog                   ; the program
        push result                 ; RESULTCODES
        push 0                      ; the parent's environment
        push args
        push 0                      ; EXEC_SYNC
        push 64
        push failbuf
        call [DosExecPgm]
        add esp, 28
        test eax, eax
        jnz fail
        mov eax, [result+4]         ; the child's exit code
        add eax, 100
        push eax
        push 1
        call [DosExit]
fail:
        push eax
        push 1
        call [DosExit]
result:  dd 0, 0
failbuf: times 64 db 0
prog:    db "HELLO.EXE", 0
args:    db "hello", 0, 0, 0
