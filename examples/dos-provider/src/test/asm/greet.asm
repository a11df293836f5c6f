; GREET.COM: asks for a name with buffered input (AH=0Ah) and greets.
        org 100h
%include "dos.inc"
main:   print ask
        mov dx, line
        mov ah, 0Ah
        int 21h
        print hello
        xor bx, bx
        mov bl, [line + 1]
        mov byte [line + 2 + bx], '$'
        print line + 2
        print bang
        exit 0
ask     db "Name? $"
hello   db 13, 10, "Hello, $"
bang    db "!", 13, 10, "$"
line    db 32, 0
        times 33 db 0
