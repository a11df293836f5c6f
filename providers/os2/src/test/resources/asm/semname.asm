; Creates the shared named mutex semaphore \SEM32\PICOTEST, takes it and exits without closing it (the process's
; end closes it). Exit status: DosCreateMutexSem's result (a second run gets ERROR_DUPLICATE_NAME, 285, when the
; first run's semaphore outlived it), or 200 + DosRequestMutexSem's result.
bits 32
org 0x10000
        jmp near start
        align 8
DosCreateMutexSem:  dd 0            ; 8   DOSCALLS.331
DosRequestMutexSem: dd 0            ; 12  DOSCALLS.334
DosExit:            dd 0            ; 16  DOSCALLS.234
start:
        push 0                      ; not owned
        push 0x20                   ; DC_SEM_SHARED
        push hmtx
        push name
        call [DosCreateMutexSem]
        add esp, 16
        test eax, eax
        jnz .exit
        push -1                     ; SEM_INDEFINITE_WAIT
        push dword [hmtx]
        call [DosRequestMutexSem]
        add esp, 8
        test eax, eax
        jz .exit
        add eax, 200
.exit:
        push eax
        push 1
        call [DosExit]
name:   db "\SEM32\PICOTEST", 0
        align 4
hmtx:   dd 0
