; A guest fault with an OS/2 exception handler. The 32 nops at "fault" are replaced by the test with the
; faulting instruction; the word "MODE" chooses what the handler does: MODE = handle it (DosExit with the low
; byte of the exception number as the exit code), PASS = return XCPT_CONTINUE_SEARCH (the process ends).
%include "head.inc"
mode:   db "MODE"
start:
        push handler
        push dword -1
        mov ebx, esp                ; the registration record
        push ebx
        call [DosSetExceptionHandler]
        add esp, 4
fault:
        times 32 nop
        push 0                      ; no fault: exit 0
        push 1
        call [DosExit]
handler:                            ; (report, registration, context, dispatcher)
        cmp dword [mode], "PASS"
        je .search
        mov eax, [esp+4]
        mov eax, [eax]              ; ExceptionNum
        and eax, 0xff
        push eax
        push 1
        call [DosExit]
.search:
        xor eax, eax                ; XCPT_CONTINUE_SEARCH
        ret
