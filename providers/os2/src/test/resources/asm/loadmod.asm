%include "head2.inc"
start:
        push hemx
        push emxname
        push 64
        push failbuf
        call [DosLoadModule]        ; loads EMX.DLL and runs its initialisation routine
        add esp, 16
        mov ecx, 1
        test eax, eax
        jnz fail
        push hdos
        push dosname
        push 64
        push failbuf
        call [DosLoadModule]
        add esp, 16
        mov ecx, 2
        test eax, eax
        jnz fail
        push pfn
        push 0
        push 282                    ; DosWrite by ordinal
        push dword [hdos]
        call [DosQueryProcAddr]
        add esp, 16
        mov ecx, 3
        test eax, eax
        jnz fail
        push namebuf
        push 260
        push dword [hemx]
        call [DosQueryModuleName]
        add esp, 12
        mov ecx, 4
        test eax, eax
        jnz fail
        mov edi, namebuf
        xor eax, eax
        mov ecx, -1
        repne scasb
        not ecx
        dec ecx
        push written
        push ecx
        push namebuf
        push 1
        call [pfn]                  ; the DosWrite found by DosQueryProcAddr
        add esp, 16
        push written
        push 2
        push crlf
        push 1
        call [pfn]
        add esp, 16
        push hmiss
        push missname
        push 64
        push failbuf
        call [DosLoadModule]        ; no such module
        add esp, 16
        push eax
        push 1
        call [DosExit]
fail:
        push ecx
        push 1
        call [DosExit]
hemx:     dd 0
hdos:     dd 0
hmiss:    dd 0
pfn:      dd 0
written:  dd 0
emxname:  db "emx", 0
dosname:  db "DOSCALLS", 0
missname: db "NOSUCH", 0
crlf:     db 13, 10
failbuf:  times 64 db 0
namebuf:  times 260 db 0
