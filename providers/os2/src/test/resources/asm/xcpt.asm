%include "head.inc"
start:
        push handler
        push dword -1
        mov ebx, esp                ; the registration record
        push ebx
        call [DosSetExceptionHandler]
        add esp, 4
        xor eax, eax
        mov eax, [eax]              ; reads address 0: an access violation
        push ebx
        push written
        push msglen
        push msg
        push 1
        call [DosWrite]
        add esp, 16
        pop ebx
        push ebx
        call [DosUnsetExceptionHandler]
        add esp, 4
        push dword [faultaddr]      ; exit code: the fault address the handler saw (0) + 42
        pop eax
        add eax, 42
        push eax
        push 1
        call [DosExit]
handler:                            ; (report, registration, context, dispatcher)
        mov eax, [esp+4]
        cmp dword [eax], 0xC0000005
        jne .search
        mov edx, [eax+24]           ; ExceptionInfo[1]: the address
        mov [faultaddr], edx
        mov ecx, [esp+12]
        add dword [ecx+156], 2      ; ctx_RegEip: past the 2-byte mov eax,[eax]
        mov eax, -1                 ; XCPT_CONTINUE_EXECUTION
        ret
.search:
        xor eax, eax
        ret
written:   dd 0
faultaddr: dd 0x55
msg:       db "recovered", 13, 10
msglen     equ $ - msg
